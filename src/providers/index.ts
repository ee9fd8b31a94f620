export * from './gemini/index.js';

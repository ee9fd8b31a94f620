export * from './gemini/index.js';
export * from './copilot/index.js';
export * from './codex/index.js';
export * from './claude/index.js';
export * from './registry.js';

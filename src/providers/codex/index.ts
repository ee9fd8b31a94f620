export { createCodexParser, type CodexParserOptions } from './parser.js';
export { codexToolKind } from './tools.js';

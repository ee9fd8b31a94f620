export { createCodexParser, type CodexParserOptions } from './parser.js';
export { codexToolKind } from './tools.js';
export { CodexHistoricalLogAdapter, type CodexAdapterOptions } from './historical.js';
export { CodexLiveLogAdapter } from './live.js';

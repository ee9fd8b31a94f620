export { createGeminiJsonlParser } from './jsonl-parser.js';
export { createGeminiSnapshotParser } from './snapshot-parser.js';
export { geminiToolKind } from './tools.js';
export type { GeminiJsonlParser, GeminiParserOptions, GeminiSessionMeta, GeminiSnapshotParser } from './types.js';
export { GeminiHistoricalLogAdapter, type GeminiAdapterOptions } from './historical.js';
export { GeminiLiveLogAdapter } from './live.js';

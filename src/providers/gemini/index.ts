export { createGeminiJsonlParser } from './jsonl-parser.js';
export { createGeminiSnapshotParser } from './snapshot-parser.js';
export { geminiToolKind } from './tools.js';
export type { GeminiJsonlParser, GeminiParserOptions, GeminiSessionMeta, GeminiSnapshotParser } from './types.js';

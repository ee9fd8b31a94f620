export { ClaudeParser, createClaudeParser, type ClaudeParserOptions } from './parser.js';
export { ClaudeHistoricalLogAdapter, type ClaudeHistoricalOptions } from './history.js';
export { ClaudeLiveLogAdapter } from './live.js';
export { claudeToolKind } from './tool-kinds.js';
export { claudeConfigDir, encodeProjectPath } from './paths.js';

/** GitHub Copilot CLI: `events.jsonl` parser, historical import and live tailing. */
export { CopilotParser, createCopilotParser, type CopilotParserOptions } from './parser.js';
export {
  parseLegacySession as parseCopilotLegacySession,
  type LegacySession as CopilotLegacySession,
} from './legacy.js';
export { CopilotHistoricalLogAdapter, type CopilotAdapterOptions } from './historical.js';
export { CopilotLiveLogAdapter } from './live.js';

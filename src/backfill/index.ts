export { runBackfill } from './runner.js';
export type { RunBackfillOptions, BackfillResult, BackfillFailure } from './types.js';
export type { BackfillProgress, BackfillPhase } from './progress.js';
export { sessionKey as backfillSessionKey } from './state.js';

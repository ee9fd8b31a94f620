export {
  runBackfill,
  type RunBackfillOptions,
  type BackfillResult,
  type BackfillFailure,
} from './runner.js';
export { type BackfillProgress, type BackfillPhase } from './progress.js';
export { sessionKey as backfillSessionKey } from './state.js';

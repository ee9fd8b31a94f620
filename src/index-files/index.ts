export { loadIndex, rebuildIndex, upsertIndexEntry, INDEX_FILE_NAME } from './session-index.js';
export {
  loadGlobalIndex,
  saveGlobalIndex,
  upsertGlobalEntry,
  projectNameOf,
  GLOBAL_INDEX_FILE_NAME,
} from './global-index.js';
export { withFileLock, DEFAULT_LOCK_STALE_MS, DEFAULT_LOCK_TIMEOUT_MS, type LockOptions } from './lock.js';
export type { IndexFileOptions } from './store.js';

import type { BackfillProgress } from './progress.js';

export interface RunBackfillOptions {
  /** Called at most every 100 ms, and at each phase change. */
  onProgress?: (progress: BackfillProgress) => void;
  /** Stops the run between two events; the run then rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
  /**
   * Worker threads that parse sessions and write their logs in a large import
   * (64 or more sessions to import, from an adapter whose sessions can be read
   * in another thread: Claude's). Default 0: all the work in the calling
   * thread. On two cores, 2 imports ~1.4x as fast for ~25-40 MB more memory.
   */
  threads?: number;
}

export interface BackfillFailure {
  /** `<provider>:<session id>`, or `<provider>:<first source path>` when the adapter failed before naming the session. */
  key: string;
  error: string;
}

export interface BackfillResult {
  /** Sessions whose log was written (new, or rebuilt because their files changed). */
  imported: number;
  /** Sessions left as they are: unchanged since the last run, imported by zag, or recorded live. */
  skipped: number;
  /** Sessions (or files) that could not be imported; the next run tries them again. */
  failed: BackfillFailure[];
}

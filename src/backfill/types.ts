import type { BackfillProgress } from './progress.js';

export interface RunBackfillOptions {
  /** Called at most every 100 ms, and at each phase change. */
  onProgress?: (progress: BackfillProgress) => void;
  /** Stops the run between two events; the run then rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
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

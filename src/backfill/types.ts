import type { SkippedFile } from '../schema/index.js';
import type { BackfillProgress } from './progress.js';

export interface RunBackfillOptions {
  /** Called at most every 100 ms, and at each phase change. */
  onProgress?: (progress: BackfillProgress) => void;
  /**
   * Also record each imported session in `<dir>/sessions_index.json` (zag's
   * global index, as the writer does for a live session), one locked write
   * per batch of sessions. Default: none.
   */
  globalIndexDir?: string | null;
  /** Stops the run between two events; the run then rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
  /**
   * Worker threads that parse sessions and write their logs beside the run's
   * own thread in a large import (64 or more sessions to import, from an
   * adapter whose sessions can be read in another thread: Claude's). Default:
   * 1 where there are two or more cores, else 0. Each thread costs ~20 MB.
   */
  threads?: number;
  /**
   * Run the import in a worker thread with a small, bounded heap (default
   * true). Only possible when every adapter is one of this package's; other
   * adapters always run in the calling thread. With false, the import's heap
   * is the caller's, which V8 lets grow to ~4x what is live.
   */
  inWorker?: boolean;
  /**
   * Default 0o600: the mode of the logs, index and state files the import
   * creates (folders get the matching 0o700). They hold prompts and tool
   * output, so other local users get nothing by default. See docs/security.md.
   */
  fileMode?: number;
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
  /**
   * Files in a provider's folder that hold no session this run could import:
   * names the adapter does not know, files that were read but held no
   * session, and files that are not regular files (a FIFO, device, socket, or
   * a link to one), which are never opened: reading them would hang the
   * import or never end. One entry per path, with the reason; listed again by
   * every run while they are there.
   */
  skippedFiles: SkippedFile[];
}

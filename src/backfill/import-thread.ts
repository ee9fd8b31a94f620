import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The heap of every import thread (the run's own, see run-thread.ts, and the
 * parsing ones, see import-pool.ts). A young generation of 8 MB, where the
 * main thread's grows to 32 MB under an import's allocation rate (16 MB bought
 * no measurable speed); and an old generation capped at 1 GB, under which V8
 * collects at about twice what is live rather than the ~4x it allows a heap
 * with the default limit of a large machine (V8 scales its growing factor with
 * the cap). 1 GB still holds any source line a string can hold (V8 caps one
 * at 512 MB) and the index of hundreds of thousands of sessions.
 */
export const IMPORT_THREAD_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 1024 } as const;

/** Set once a thread failed to start: this process imports in the calling thread from then on. */
let unavailable = false;

/**
 * Whether an import thread running `url` can start: its built `.js` file is
 * there (not so when running from the TypeScript sources, e.g. under a test
 * runner) and no thread failed to start in this process.
 */
export function canStartImportThread(url: URL): boolean {
  return !unavailable && url.pathname.endsWith('.js') && existsSync(fileURLToPath(url));
}

/**
 * Starts an import thread, or returns null when `new Worker()` throws (e.g.
 * Node's permission model without --allow-worker), after which no thread is
 * tried again. It gets none of the caller's Node options: it runs this
 * package's plain JS, and some (--input-type) stop a thread from starting.
 */
export function startImportThread(url: URL, workerData?: unknown): Worker | null {
  if (unavailable) return null;
  try {
    return new Worker(url, { resourceLimits: IMPORT_THREAD_LIMITS, workerData, execArgv: [] });
  } catch {
    unavailable = true;
    return null;
  }
}

/** A thread that failed before it came online: none is tried again in this process. */
export function importThreadsUnavailable(): void {
  unavailable = true;
}

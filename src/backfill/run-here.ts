import { availableParallelism } from 'node:os';
import type { HistoricalLogAdapter } from '../schema/index.js';
import { BackfillRun } from './backfill-run.js';
import { ImportThreads } from './import-pool.js';
import { ProgressReporter } from './progress.js';
import { abortError, acquireRunLock } from './run-lock.js';
import type { BackfillResult, RunBackfillOptions } from './types.js';

/** One import worker beside the run's own thread where there is a second core: see ImportPool. */
export function defaultImportThreads(): number {
  return availableParallelism() > 1 ? 1 : 0;
}

/**
 * runBackfill's work, in the calling thread (runBackfill may hand it to a
 * worker thread: see run-thread.ts). Imports the sessions of `adapters` that
 * are new or changed since the last run into `<logsDir>/sessions/*.jsonl`
 * and `index.json`. See API.md,
 * "Historical import"; the steps:
 *
 * 1. Takes the run lock (`backfill.lock`): a concurrent run waits, then finds nothing to do.
 * 2. Scans: every adapter lists its candidates through `filter`, which answers
 *    "no" to all, so nothing is parsed; this gives the progress totals, and an
 *    adapter none of whose files changed needs no import pass at all.
 * 3. Imports: `filter` now answers "no" for a candidate whose files all have
 *    the size, mtime and inode recorded in `backfill_state.json`, so unchanged
 *    sessions are never opened. Each session the adapter then yields is
 *    streamed into a temp file and renamed over its log (see `streamSessionLog`).
 *    A session listed in zag's `imported_session_keys` without fingerprints was
 *    imported by zag: it is kept as it is and fingerprinted. A session recorded
 *    live is never imported (see `LiveSessions`).
 * 4. Index entries and the state are written in batches: index first, then
 *    state, so a crash in between only causes a harmless rebuild next time.
 * 5. With `threads`, a large import (PARALLEL_MIN_SESSIONS or more to import)
 *    parses and writes sessions in worker threads too (see ImportPool), when
 *    the adapter's sessions can be read in another thread; this thread lists
 *    the history, keeps the index and the state, and imports its share.
 *
 * A failing session or file goes into `failed` and the run goes on; if the
 * adapter's iteration itself threw, it is restarted past the files already
 * handled. On abort, what was written is recorded before the promise rejects.
 */
export async function runBackfillHere(
  logsDir: string,
  root: string | null | undefined,
  adapters: readonly HistoricalLogAdapter[],
  options: RunBackfillOptions = {},
): Promise<BackfillResult> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const lock = await acquireRunLock(logsDir, signal, options.fileMode);
  const threads = new ImportThreads(options.threads ?? defaultImportThreads(), signal);
  const run = new BackfillRun(
    logsDir,
    root ?? null,
    lock,
    new ProgressReporter(options.onProgress),
    signal,
    threads,
    options.globalIndexDir ?? null,
    options.fileMode,
  );
  try {
    await run.prepare();
    for (const adapter of adapters) await run.scan(adapter);
    run.planThreads();
    run.progress.phase('importing');
    for (const adapter of adapters) await run.importFrom(adapter);
    await run.flush();
    run.progress.phase('done');
    return run.result;
  } catch (err) {
    // Whatever was renamed into place is recorded, so the state matches the disk.
    await run.flush().catch(() => undefined);
    if (signal?.aborted) throw abortError(signal);
    throw err;
  } finally {
    run.close();
    await lock.release();
  }
}

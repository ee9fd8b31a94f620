import { resolve } from 'node:path';
import { SessionLogError } from '../errors.js';
import type { HistoricalLogAdapter } from '../schema/index.js';
import { runBackfillHere } from './run-here.js';
import { abortError } from './run-lock.js';
import { portableRun, runInThread } from './run-thread.js';
import type { BackfillResult, RunBackfillOptions } from './types.js';

/**
 * Imports the sessions of `adapters` that are new or changed since the last
 * run into `<logsDir>/sessions/*.jsonl` and `index.json` (API.md, "Historical
 * import"; the steps are described at runBackfillHere). Streaming,
 * incremental, idempotent, locked against concurrent runs, abortable.
 *
 * When every adapter is one of this package's (they can be made again in
 * another thread), the import runs in a worker thread with a small, bounded
 * heap, so the caller's heap does not grow with the history and its event
 * loop stays free (`inWorker: false` keeps it in the calling thread, and so
 * does a host where threads cannot start).
 *
 * @example
 * const result = await runBackfill(logsDir(), null, defaultHistoricalAdapters(), {
 *   onProgress: (p) => console.log(p.phase, p.filesDone, p.filesTotal),
 * });
 */
export async function runBackfill(
  logsDir: string,
  root: string | null | undefined,
  adapters: readonly HistoricalLogAdapter[],
  options: RunBackfillOptions = {},
): Promise<BackfillResult> {
  const { signal, threads } = options;
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 0)) {
    throw new SessionLogError('ERR_INVALID_OPTION', `threads must be a whole number >= 0, got ${String(threads)}`);
  }
  if (signal?.aborted) throw abortError(signal);
  // Absolute: the index's log_path values are resolved against it.
  logsDir = resolve(logsDir);
  const here = (): Promise<BackfillResult> => runBackfillHere(logsDir, root, adapters, options);
  const portable = options.inWorker === false ? null : portableRun(adapters);
  return portable ? runInThread(logsDir, root ?? null, portable, options, here) : here();
}

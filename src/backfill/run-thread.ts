import type { Worker } from 'node:worker_threads';
import { SessionLogError, type SessionLogErrorCode } from '../errors.js';
import type { HistoricalLogAdapter } from '../schema/index.js';
import { portableAdapterOf, type PortableCall } from '../providers/shared/portable.js';
import type { BackfillProgress } from './progress.js';
import { canStartImportThread, importThreadsUnavailable, startImportThread } from './import-thread.js';
import { abortError } from './run-lock.js';
import type { BackfillResult, RunBackfillOptions } from './types.js';

export type RunRequest =
  | { type: 'run'; id: number; logsDir: string; root: string | null; adapters: PortableCall[]; threads: number | undefined; globalIndexDir: string | null; fileMode: number | undefined; progress: boolean }
  | { type: 'abort'; id: number };

export type RunReply =
  | { type: 'progress'; id: number; progress: BackfillProgress }
  | { type: 'done'; id: number; result: BackfillResult }
  | { type: 'failed'; id: number; code: SessionLogErrorCode | null; errno: string | undefined; message: string };

const RUNNER_URL = new URL('./run-worker.js', import.meta.url);
/** Kept this long after the last run, for the next one: a fresh thread runs cold (unoptimized) code for a while. */
const IDLE_MS = 10_000;

interface PendingRun {
  onProgress: ((p: BackfillProgress) => void) | undefined;
  resolve: (r: BackfillResult) => void;
  reject: (e: Error) => void;
  /** The same run in the calling thread, for a thread that could not start. */
  here: () => Promise<BackfillResult>;
}

/** The import thread of this process: one, shared by concurrent runs (each on its own logs directory or waiting for its lock). */
class RunnerThread {
  readonly runs = new Map<number, PendingRun>();
  dead = false;
  private online = false;
  private idle: NodeJS.Timeout | null = null;

  constructor(readonly worker: Worker) {
    this.worker.once('online', () => (this.online = true));
    this.worker.on('message', (reply: RunReply) => {
      const run = this.runs.get(reply.id);
      if (!run) return;
      if (reply.type === 'progress') {
        try {
          run.onProgress?.(reply.progress);
        } catch {
          // ignored, as in the calling thread (see ProgressReporter)
        }
        return;
      }
      this.settled(reply.id);
      if (reply.type === 'done') run.resolve(reply.result);
      else run.reject(errorFrom(reply));
    });
    const fail = (err: Error): void => {
      this.dead = true;
      if (thread === this) thread = null;
      const runs = [...this.runs.values()];
      this.runs.clear();
      if (!this.online) {
        // It never started (a host that forbids threads, say): its runs go on here, and no thread is tried again.
        importThreadsUnavailable();
        for (const run of runs) run.here().then(run.resolve, run.reject);
        return;
      }
      for (const run of runs) {
        run.reject(new SessionLogError('ERR_IO', `the import thread stopped: ${err.message}`, { cause: err }));
      }
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  start(id: number, run: PendingRun, request: RunRequest): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    // Referenced while a run is in progress: the caller awaits it, nothing else may keep the process alive.
    this.worker.ref();
    this.runs.set(id, run);
    this.worker.postMessage(request);
  }

  abort(id: number): void {
    if (this.runs.has(id)) this.worker.postMessage({ type: 'abort', id } satisfies RunRequest);
  }

  private settled(id: number): void {
    this.runs.delete(id);
    if (this.runs.size > 0) return;
    this.worker.unref();
    this.idle = setTimeout(() => {
      if (this.runs.size > 0) return;
      this.dead = true;
      if (thread === this) thread = null;
      void this.worker.terminate();
    }, IDLE_MS);
    this.idle.unref();
  }
}

/** The thread's error, made again here: a SessionLogError keeps its code, a system error its errno code. */
function errorFrom(reply: Extract<RunReply, { type: 'failed' }>): Error {
  if (reply.code) return new SessionLogError(reply.code, reply.message);
  const err: Error & { code?: string } = new Error(reply.message);
  if (reply.errno !== undefined) err.code = reply.errno;
  return err;
}

let thread: RunnerThread | null = null;
let runIds = 0;

/** The portable descriptions of `adapters` when every one has one and an import thread can start; otherwise null. */
export function portableRun(adapters: readonly HistoricalLogAdapter[]): PortableCall[] | null {
  const portable: PortableCall[] = [];
  for (const a of adapters) {
    const p = portableAdapterOf(a);
    if (!p) return null;
    portable.push(p);
  }
  return canStartImportThread(RUNNER_URL) ? portable : null;
}

/**
 * runBackfillHere in the import thread; same result, same errors, progress
 * reported here. `here` is the same run in the calling thread, used when no
 * thread can start in this process.
 */
export function runInThread(
  logsDir: string,
  root: string | null,
  adapters: PortableCall[],
  options: RunBackfillOptions,
  here: () => Promise<BackfillResult>,
): Promise<BackfillResult> {
  const { signal } = options;
  if (!thread || thread.dead) {
    const worker = startImportThread(RUNNER_URL);
    if (!worker) return here();
    thread = new RunnerThread(worker);
  }
  const runner = thread;
  const id = ++runIds;
  const onAbort = (): void => runner.abort(id);
  return new Promise<BackfillResult>((resolve, reject) => {
    runner.start(
      id,
      {
        onProgress: options.onProgress,
        resolve,
        // The thread's ERR_ABORTED carries no reason; the caller's signal does.
        reject: (err) => reject(signal?.aborted ? abortError(signal) : err),
        here,
      },
      { type: 'run', id, logsDir, root, adapters, threads: options.threads, globalIndexDir: options.globalIndexDir ?? null, fileMode: options.fileMode, progress: options.onProgress !== undefined },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  }).finally(() => signal?.removeEventListener('abort', onAbort));
}

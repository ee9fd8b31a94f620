import type { Worker } from 'node:worker_threads';
import { SessionLogError, type SessionLogErrorCode } from '../errors.js';
import { portableEventsOf } from '../providers/shared/event-batches.js';
import type { BackfilledSession } from '../schema/index.js';
import { importJob, type ImportJob } from './import-job.js';
import type { StreamedLog, WrittenLog } from './session-log-file.js';
import { canStartImportThread, importThreadsUnavailable, startImportThread } from './import-thread.js';

export type ImportRequest = { type: 'job'; job: ImportJob } | { type: 'abort'; run: number };

export type ImportReply =
  | { id: number; ok: true; written: WrittenLog }
  | { id: number; ok: false; code: SessionLogErrorCode; message: string };

/** Below this many new or changed sessions, handing sessions to threads costs more than it saves. */
export const PARALLEL_MIN_SESSIONS = 64;
/**
 * Sessions queued per worker before the run's own thread imports the next one
 * itself: two keep a worker busy while its replies travel, and the run's
 * thread, idle otherwise, does its share of the parsing.
 */
const QUEUE_PER_WORKER = 2;
/** Idle workers are kept this long for the next run: a fresh thread runs cold (unoptimized) code for a while. */
const IDLE_MS = 10_000;

const WORKER_URL = new URL('./import-worker.js', import.meta.url);

interface Pending {
  job: ImportJob;
  signal: AbortSignal | undefined;
  resolve: (w: WrittenLog) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Started: until then a failure means threads cannot run here at all. */
  online: boolean;
  pending: Map<number, Pending>;
  /** Jobs handed to the worker, and (written by the worker) jobs it finished. */
  submitted: number;
  finished: Int32Array;
  dead: boolean;
}

/**
 * Jobs a worker has not finished yet. Read from memory the worker writes
 * rather than from its replies: those wait until the run's thread gives its
 * event loop a turn, and while it imports a session of its own they would
 * make an idle worker look busy.
 */
function unfinished(slot: Slot): number {
  return slot.submitted - Atomics.load(slot.finished, 0);
}

/**
 * Worker threads that parse sessions and write their logs beside a run's own
 * thread, which lists the history, keeps the index and the state, and imports
 * a session itself whenever every worker has QUEUE_PER_WORKER queued. Parsing
 * and serializing take nearly all of an import's CPU time, so on two cores one
 * worker beside the run's thread uses both; each more worker costs a heap
 * (~20 MB), hence one by default (`threads`).
 *
 * One pool per thread, shared by the runs in progress and kept for IDLE_MS
 * after the last one ends (a worker keeps the process alive only while it
 * has jobs). A worker that dies fails its sessions (the next run retries
 * them) and is replaced for later sessions.
 */
class ImportPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private users = 0;
  private idle: NodeJS.Timeout | null = null;

  constructor(readonly size: number) {}

  /** A new worker's slot, or null when threads cannot start in this process. */
  private spawn(): Slot | null {
    const finished = new Int32Array(new SharedArrayBuffer(4));
    const worker = startImportThread(WORKER_URL, { finished });
    if (!worker) return null;
    worker.unref();
    const slot: Slot = { worker, online: false, pending: new Map(), submitted: 0, finished, dead: false };
    worker.once('online', () => (slot.online = true));
    worker.on('message', (reply: ImportReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if (reply.ok) p.resolve(reply.written);
      else p.reject(new SessionLogError(reply.code, reply.message));
    });
    const fail = (err: Error): void => {
      slot.dead = true;
      const pending = [...slot.pending.values()];
      slot.pending.clear();
      if (!slot.online) {
        // The thread never started (a host that forbids threads, say): its jobs are done here, and no thread is tried again.
        importThreadsUnavailable();
        for (const p of pending) importJob(p.job, p.signal).then(p.resolve, p.reject);
        return;
      }
      for (const p of pending) p.reject(new SessionLogError('ERR_IO', `import thread stopped: ${err.message}`, { cause: err }));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    return slot;
  }

  acquire(): void {
    this.users++;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }

  release(): void {
    if (--this.users > 0) return;
    this.idle = setTimeout(() => void this.shutdown(), IDLE_MS);
    this.idle.unref();
  }

  /**
   * Hands a session to the least busy worker; null when every worker has a
   * full queue, or threads cannot start in this process (the caller imports it).
   */
  submit(job: Omit<ImportJob, 'id'>, signal: AbortSignal | undefined): StreamedLog | null {
    for (let i = this.slots.length - 1; i >= 0; i--) if (this.slots[i]!.dead) this.slots.splice(i, 1);
    while (this.slots.length < this.size && canStartImportThread(WORKER_URL)) {
      const slot = this.spawn();
      if (!slot) break;
      this.slots.push(slot);
    }
    if (!canStartImportThread(WORKER_URL) || this.slots.length === 0) return null;
    let slot = this.slots[0]!;
    for (const s of this.slots) if (unfinished(s) < unfinished(slot)) slot = s;
    if (unfinished(slot) >= QUEUE_PER_WORKER) return null;
    slot.submitted++;
    const id = ++this.nextId;
    const full: ImportJob = { ...job, id };
    const committed = new Promise<WrittenLog>((resolve, reject) => slot.pending.set(id, { job: full, signal, resolve, reject }));
    committed.catch(() => undefined); // the commit queue handles it
    // Referenced while it has jobs: the run awaits them, and nothing else need keep the process alive.
    slot.worker.ref();
    slot.worker.postMessage({ type: 'job', job: full } satisfies ImportRequest);
    return { committed };
  }

  abort(run: number): void {
    for (const s of this.slots) if (!s.dead) s.worker.postMessage({ type: 'abort', run } satisfies ImportRequest);
  }

  private async shutdown(): Promise<void> {
    if (this.users > 0) return;
    if (shared === this) shared = null;
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((s) => {
        s.dead = true;
        return s.worker.terminate();
      }),
    );
  }
}

let shared: ImportPool | null = null;
let runIds = 0;

/**
 * A run's use of import threads: none until the scan shows enough new or
 * changed sessions; then sessions whose events can be made in another thread
 * (EVENT_SOURCE, see schema/event-batches.ts) go to the shared pool, and any
 * other is imported in the run's own thread.
 */
export class ImportThreads {
  private pool: ImportPool | null = null;
  private wanted = false;
  private readonly run = ++runIds;
  private readonly onAbort = (): void => this.pool?.abort(this.run);

  constructor(
    private readonly count: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Called after the scan with the number of sessions to import. */
  plan(changedSessions: number): void {
    this.wanted = this.count > 0 && changedSessions >= PARALLEL_MIN_SESSIONS && canStartImportThread(WORKER_URL);
  }

  /** Starts writing `session`'s log in a thread; null when it is to be done in the caller's thread. */
  submit(session: BackfilledSession, logPath: string, tmpPath: string, fileMode?: number): StreamedLog | null {
    if (!this.wanted) return null;
    const portable = portableEventsOf(session.events as object);
    if (!portable) return null;
    if (!this.pool) {
      if (!shared || shared.size !== this.count) shared = new ImportPool(this.count);
      this.pool = shared;
      this.pool.acquire();
    }
    const job = {
      run: this.run,
      module: portable.module,
      name: portable.name,
      args: portable.args,
      metadata: session.metadata,
      completeness: session.completeness,
      sourcePaths: session.sourcePaths,
      logPath,
      tmpPath,
      fileMode,
    };
    return this.pool.submit(job, this.signal);
  }

  /** Ends this run's use of the pool. Call once every submitted session has settled. */
  close(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.pool?.release();
    this.pool = null;
    this.wanted = false;
  }
}

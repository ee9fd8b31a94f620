import path from 'node:path';
import { SessionLogError } from '../errors.js';
import type { AgentLogEvent } from '../schema/index.js';
import type { SessionLogWriter } from '../writer/index.js';
import { dbMessage } from './driver.js';
import { indexEntries, logRowsAfter, projectOfLogsDir, SessionFacts } from './log-source.js';
import { eventRow, type EventRow } from './rows.js';
import type { PostgresStore } from './store.js';

export interface MirrorOptions {
  /** Events per INSERT (default 500). */
  batchSize?: number;
  /**
   * Events held in memory at most (default 10,000). Past that the mirror
   * drops what it holds and later reads the local log from the store's last seq.
   */
  maxBuffered?: number;
  /** How long events gather before a write (ms, default 20). */
  flushIntervalMs?: number;
  /** Retry delays while the store is down (ms, default 250 doubling to 5,000). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long `close()` waits for the store to take the last events (ms, default 5,000). */
  closeTimeoutMs?: number;
}

export interface StoreMirror extends AsyncDisposable {
  /** 'up' while the store takes writes, 'down' during an outage, 'closed' after close(). */
  readonly state: 'up' | 'down' | 'closed';
  /**
   * Resolves once every event written to the local log before this call is in
   * the store; while the store is down it waits (until `signal` aborts).
   */
  flush(options?: { signal?: AbortSignal }): Promise<void>;
  /** Stops mirroring after a last flush (bounded by `closeTimeoutMs`). Idempotent. */
  close(): Promise<void>;
}

interface HasWriter {
  readonly writer: SessionLogWriter;
}

/**
 * Mirrors a live session into the store. `emit` only pays for an array push:
 * events are written in batches by a background loop. The local log is the
 * source of truth: whenever the buffer overflows or the store fails, the
 * mirror forgets the buffer and later copies from the local log everything
 * after the store's highest seq, so nothing is lost, and the (machine,
 * session, seq) key makes every write idempotent, so nothing is doubled.
 */
export function mirrorToStore(target: SessionLogWriter | HasWriter, store: PostgresStore, options: MirrorOptions = {}): StoreMirror {
  const writer = 'writer' in target && typeof (target as HasWriter).writer === 'object' ? (target as HasWriter).writer : (target as SessionLogWriter);
  return new Mirror(writer, store, options);
}

class Mirror implements StoreMirror {
  readonly #writer: SessionLogWriter;
  readonly #store: PostgresStore;
  readonly #batchSize: number;
  readonly #maxBuffered: number;
  readonly #intervalMs: number;
  readonly #retryMin: number;
  readonly #retryMax: number;
  readonly #closeTimeout: number;
  readonly #id: string;
  readonly #logsDir: string;
  readonly #facts: SessionFacts;
  readonly #off: () => void;
  #buffer: AgentLogEvent[] = [];
  /** True when the local log must be read (start, overflow, after a failure). */
  #catchUp = true;
  /** Every seq up to this one is in the store. */
  #confirmed = 0;
  #state: 'up' | 'down' | 'closed' = 'up';
  #timer: NodeJS.Timeout | null = null;
  #pumping: Promise<void> | null = null;
  #failures = 0;
  #waiters: Array<() => void> = [];
  #closed: Promise<void> | null = null;
  #stopped = false;

  constructor(writer: SessionLogWriter, store: PostgresStore, o: MirrorOptions) {
    this.#writer = writer;
    this.#store = store;
    this.#batchSize = o.batchSize ?? 500;
    this.#maxBuffered = o.maxBuffered ?? 10_000;
    this.#intervalMs = o.flushIntervalMs ?? 20;
    this.#retryMin = o.retryMinMs ?? 250;
    this.#retryMax = o.retryMaxMs ?? 5_000;
    this.#closeTimeout = o.closeTimeoutMs ?? 5_000;
    this.#id = path.basename(writer.logPath, '.jsonl');
    this.#logsDir = path.dirname(path.dirname(writer.logPath));
    this.#facts = new SessionFacts(this.#id, projectOfLogsDir(this.#logsDir));
    this.#off = writer.onLogEvent(this.#onEvent);
    this.#schedule(0);
  }

  get state(): 'up' | 'down' | 'closed' {
    return this.#state;
  }

  /** The hot path: runs inside `emit` after the line is written. */
  readonly #onEvent = (event: AgentLogEvent): void => {
    if (this.#catchUp || this.#stopped) return;
    if (this.#buffer.length >= this.#maxBuffered) {
      // Bounded memory: forget the buffer; the local log has every event.
      this.#buffer = [];
      this.#catchUp = true;
    } else this.#buffer.push(event);
    if (this.#timer === null && this.#pumping === null) this.#schedule(this.#intervalMs);
  };

  #schedule(ms: number, unref = false): void {
    if (this.#timer !== null || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#pumping ??= this.#pump().finally(() => {
        this.#pumping = null;
        if (this.#state !== 'down' && (this.#buffer.length > 0 || this.#catchUp)) this.#schedule(0);
      });
    }, ms);
    if (unref) this.#timer.unref();
  }

  async #pump(): Promise<void> {
    while (!this.#stopped) {
      try {
        if (this.#catchUp) await this.#catchUpFromLog();
        else if (this.#buffer.length > 0) await this.#writeBuffered();
        else return;
        if (this.#state === 'down') this.#recovered();
        this.#failures = 0;
        this.#notifyWaiters();
      } catch (err) {
        this.#failed(err);
        this.#failures++;
        const delay = Math.min(this.#retryMax, this.#retryMin * 2 ** Math.min(this.#failures - 1, 10));
        this.#schedule(delay, true);
        return;
      }
    }
  }

  async #writeBuffered(): Promise<void> {
    const take = this.#buffer.length <= this.#batchSize ? this.#buffer : this.#buffer.slice(0, this.#batchSize);
    if (take === this.#buffer) this.#buffer = [];
    else this.#buffer = this.#buffer.slice(this.#batchSize);
    const rows: EventRow[] = [];
    let last = this.#confirmed;
    for (const e of take) {
      if (e.seq <= last) continue;
      if (e.seq !== last + 1) {
        // A gap (lines appended outside the writer's protocol): the log has them.
        this.#catchUp = true;
        this.#buffer = [];
        break;
      }
      this.#facts.see(e);
      rows.push(eventRow(e));
      last = e.seq;
    }
    if (rows.length === 0) return;
    const withSession = this.#facts.dirty;
    await this.#store.writeBatch(withSession ? [this.#facts.row()] : [], rows);
    if (withSession) this.#facts.dirty = false;
    this.#advance(last);
  }

  /** Copies what the store lacks from the local log, from its highest seq on. */
  async #catchUpFromLog(): Promise<void> {
    // From here on new events are buffered again; the pass below reads the
    // file to its end, so whatever was emitted before is covered by it.
    this.#catchUp = false;
    this.#buffer = [];
    this.#facts.setEntry((await indexEntries(this.#logsDir)).get(this.#id));
    const have = (await this.#store.maxSeqs([this.#id])).get(this.#id) ?? 0;
    this.#confirmed = Math.max(this.#confirmed, have);
    let rows: EventRow[] = [];
    let last = have;
    const write = async (): Promise<void> => {
      const withSession = this.#facts.dirty;
      await this.#store.writeBatch(withSession ? [this.#facts.row()] : [], rows);
      if (withSession) this.#facts.dirty = false;
      this.#advance(last);
      rows = [];
    };
    const onProblem = (p: { lineNo: number; reason: string }): void =>
      this.#store.warn({ code: 'invalid_line', message: `${this.#writer.logPath}:${p.lineNo}: not sent to the store: ${p.reason}`, wrapper_session_id: this.#id });
    for await (const { row, event } of logRowsAfter(this.#writer.logPath, have, onProblem)) {
      this.#facts.see(event);
      rows.push(row);
      last = Math.max(last, event.seq);
      if (rows.length >= 1000) await write();
    }
    if (rows.length > 0 || this.#facts.dirty) await write();
    this.#caughtUp += last - have;
  }

  #caughtUp = 0;
  #downMessage = '';

  #advance(seq: number): void {
    if (seq > this.#confirmed) this.#confirmed = seq;
  }

  /** After a step of the pump, so that a flush resolves with `state` already 'up' again. */
  #notifyWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #failed(err: unknown): void {
    this.#catchUp = true;
    this.#buffer = [];
    if (this.#state !== 'up') return;
    this.#state = 'down';
    this.#caughtUp = 0;
    this.#downMessage = dbMessage(this.#store.options, err);
    this.#report(
      `session store ${this.#store.displayUrl} is not taking events: ${this.#downMessage}. ` +
        'The local log stays the source of truth; the store will catch up from it when it is back.',
      { store: this.#store.displayUrl, state: 'unreachable', error: this.#downMessage },
    );
  }

  #recovered(): void {
    this.#state = 'up';
    this.#report(`session store ${this.#store.displayUrl} reachable again: caught up ${this.#caughtUp} events from the local log.`, {
      store: this.#store.displayUrl,
      state: 'reachable',
      caught_up: this.#caughtUp,
    });
  }

  #report(message: string, data: Record<string, unknown>): void {
    try {
      this.#writer.emit('wrapper', { type: 'provider_status', message, data });
    } catch {
      // The writer may be closed already; the outage then only shows in `state`.
    }
  }

  flush(options: { signal?: AbortSignal } = {}): Promise<void> {
    const target = this.#writer.nextSeq - 1;
    const { signal } = options;
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.#confirmed >= target) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        } else if (this.#stopped) {
          signal?.removeEventListener('abort', onAbort);
          reject(new SessionLogError('ERR_STORE', `mirror to ${this.#store.displayUrl} closed before seq ${target} reached the store`));
        } else this.#waiters.push(check);
      };
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== check);
        reject(new SessionLogError('ERR_ABORTED', 'flush aborted', { cause: signal?.reason }));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.#state !== 'down' && this.#timer !== null && this.#pumping === null) {
        clearTimeout(this.#timer);
        this.#timer = null;
        this.#schedule(0);
      }
      if (this.#timer === null && this.#pumping === null && this.#confirmed < target) this.#schedule(0);
      check();
    });
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#off();
      const timeout = AbortSignal.timeout(this.#closeTimeout);
      await this.flush({ signal: timeout }).catch(() => undefined);
      this.#stopped = true;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      await this.#pumping?.catch(() => undefined);
      this.#state = 'closed';
      for (const w of this.#waiters.splice(0)) w();
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

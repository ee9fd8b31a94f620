import type { Client } from 'pg';
import { SessionLogError } from '../errors.js';
import type { AgentLogEvent } from '../schema/index.js';
import { isTransient, storeError } from './driver.js';
import { invalidRow } from './queries.js';
import { eventOfRow } from './rows.js';
import type { PostgresStore } from './store.js';

export interface StoreSubscribeOptions {
  signal?: AbortSignal;
  /**
   * Where to start: `'now'` (default: events committed from now on), `'start'`
   * (everything in the store), or the `cursor` of an event already seen
   * (resume after it, e.g. in a new process).
   */
  from?: 'now' | 'start' | string;
  types?: readonly string[];
  provider?: string;
  machine?: string;
  session?: string;
  /**
   * Also look without a notification this often (ms, default 500): a NOTIFY
   * can be lost with a dropped connection, and rows of a transaction that
   * committed behind an older open one become readable only when it ends.
   */
  pollIntervalMs?: number;
}

/** One event read from the store, with the machine it came from. */
export interface StoreEvent {
  machine: string;
  event: AgentLogEvent;
  /** Resume point: pass it as `from` to continue after this event. */
  cursor: string;
  /** The session's project and log path on its machine, when the store has its row. */
  project: string | null;
  log_path: string | null;
}

interface Cursor {
  xid: string;
  id: string;
}

const PAGE = 500;
const CHANNEL = 'agent_session_log_events';

function parseCursor(text: string): Cursor {
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m) throw new SessionLogError('ERR_INVALID_OPTION', `invalid subscribe cursor ${JSON.stringify(text)}: expected <xid>:<id>`);
  return { xid: m[1]!, id: m[2]! };
}

/** Where a subscription from now starts: before every transaction still open, after every finished one. */
export async function nowCursor(store: PostgresStore): Promise<string> {
  const r = await store.query<{ xmin: string }>('cannot subscribe to', 'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
  return `${r[0]!.xmin}:0`;
}

/**
 * Follows `events` in (xid, id) order, reading only rows of transactions that
 * are all finished (`xid < xmin` of the current snapshot). Ids alone are not
 * enough: a row with a smaller id can commit after a larger one, and a reader
 * going by id would step over it for good.
 */
export async function* subscribeStore(store: PostgresStore, options: StoreSubscribeOptions): AsyncGenerator<StoreEvent> {
  const { signal } = options;
  const pollMs = options.pollIntervalMs ?? 500;
  let cursor: Cursor;
  const from = options.from ?? 'now';
  if (from === 'start') cursor = { xid: '0', id: '0' };
  else cursor = parseCursor(from === 'now' ? await nowCursor(store) : from);

  const filters: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, v: unknown): void => {
    if (v === undefined) return;
    params.push(v);
    filters.push(sql(`$${params.length + 2}`));
  };
  add((p) => `e.type = ANY(${p}::text[])`, options.types && options.types.length > 0 ? [...options.types] : undefined);
  add((p) => `e.provider = ${p}`, options.provider);
  add((p) => `e.machine = ${p}`, options.machine);
  add((p) => `e.wrapper_session_id = ${p}`, options.session);
  // ORDER BY names the table's columns: the text aliases would sort as text.
  const sql = `SELECT e.xid::text AS cursor_xid, e.id::text AS cursor_id, e.machine, e.wrapper_session_id, e.seq, e.event,
      s.project, s.log_path
    FROM agent_session_log.events e
    LEFT JOIN agent_session_log.sessions s ON s.machine = e.machine AND s.wrapper_session_id = e.wrapper_session_id
    WHERE (e.xid, e.id) > ($1::xid8, $2::bigint) AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
    ${filters.map((f) => `AND ${f}`).join(' ')}
    ORDER BY e.xid, e.id LIMIT ${PAGE}`;

  const waker = new Waker(signal);
  let listener: Client | null = null;
  let failures = 0;
  try {
    while (!signal?.aborted) {
      try {
        if (!listener) {
          listener = await store.openClient();
          const mine = listener;
          mine.on('notification', () => waker.wake());
          mine.on('error', () => {
            if (listener === mine) listener = null;
            mine.end().catch(() => undefined);
            waker.wake();
          });
          await mine.query(`LISTEN ${CHANNEL}`);
        }
        const r = await store.rawQuery<{ cursor_xid: string; cursor_id: string; machine: string; wrapper_session_id: string; seq: string; event: unknown; project: string | null; log_path: string | null }>(sql, [
          cursor.xid,
          cursor.id,
          ...params,
        ]);
        failures = 0;
        for (const row of r.rows) {
          cursor = { xid: row.cursor_xid, id: row.cursor_id };
          const parsed = eventOfRow(row.event);
          if (!parsed.ok) {
            store.warn(invalidRow(row.machine, row.wrapper_session_id, Number(row.seq), parsed.reason));
            continue;
          }
          yield {
            machine: row.machine,
            event: parsed.event,
            cursor: `${row.cursor_xid}:${row.cursor_id}`,
            project: row.project,
            log_path: row.log_path,
          };
          if (signal?.aborted) return;
        }
        if (r.rows.length === PAGE) continue;
        await waker.wait(pollMs);
      } catch (err) {
        if (signal?.aborted) return;
        if (err instanceof SessionLogError || !isTransient(err)) throw storeError(store.options, 'cannot subscribe to', err);
        // Lost connection or server restarting: reconnect and go on from the cursor.
        if (listener) {
          await listener.end().catch(() => undefined);
          listener = null;
        }
        failures++;
        await waker.wait(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  } finally {
    waker.dispose();
    if (listener) await (listener as Client).end().catch(() => undefined);
  }
}

/** Resolves a wait early on wake() or abort; a wake with nobody waiting is kept for the next wait. */
class Waker {
  #pending = false;
  #resolve: (() => void) | null = null;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.wake();

  constructor(signal?: AbortSignal) {
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort);
  }

  wake(): void {
    if (this.#resolve) {
      const r = this.#resolve;
      this.#resolve = null;
      r();
    } else this.#pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.#pending || this.#signal?.aborted) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#resolve = null;
        resolve();
      }, ms);
      this.#resolve = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  dispose(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.wake();
  }
}

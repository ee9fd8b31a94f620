import type { Client, Pool, PoolClient, QueryResultRow } from 'pg';
import { SessionLogError } from '../errors.js';
import type { AgentLogEvent } from '../schema/index.js';
import type { LinePrefilter, SessionInfo, SessionLogStore } from '../sessions/index.js';
import { storeSessionInfos, storeSessionLines } from './source.js';
import { loadPg, storeError } from './driver.js';
import { applyMigrations, type MigrateResult } from './migrate.js';
import { resolveStoreOptions, type PostgresStoreOptions, type ResolvedStoreOptions, type StoreWarning } from './options.js';
import {
  findSessions,
  listSessions,
  readEvents,
  searchEvents,
  usageRows,
  type ListSessionsQuery,
  type ReadEventsOptions,
  type StoreSearchQuery,
  type StoreSearchHit,
  type StoreSession,
  type StoreUsageQuery,
  type StoreUsageRow,
} from './queries.js';
import type { EventRow } from './rows.js';
import { nowCursor, subscribeStore, type StoreEvent, type StoreSubscribeOptions } from './subscribe.js';
import { insertEventsParams, upsertSessionsParams, upsertSessionsSql, writeBatchSql, type StoreSessionInput } from './write-sql.js';

/**
 * A PostgreSQL store of session logs from many machines. Open it with
 * {@link openPostgresStore}; it is migrated on first use.
 */
export class PostgresStore implements AsyncDisposable, SessionLogStore {
  /** This process's machine name: the first half of every session key it writes. */
  readonly machine: string;
  /** The connection URL with the password hidden: safe to print. */
  readonly displayUrl: string;
  readonly #opts: ResolvedStoreOptions;
  readonly #pool: Pool;
  #closed: Promise<void> | null = null;

  private constructor(opts: ResolvedStoreOptions, pool: Pool) {
    this.#opts = opts;
    this.#pool = pool;
    this.machine = opts.machine;
    this.displayUrl = opts.displayUrl;
  }

  /** @internal use {@link openPostgresStore}. */
  static async open(arg: string | PostgresStoreOptions | undefined): Promise<PostgresStore> {
    const opts = resolveStoreOptions(arg);
    const pg = await loadPg();
    const pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.maxConnections,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 10_000,
      application_name: 'agent-session-log',
      ...(opts.ssl !== undefined ? { ssl: opts.ssl } : {}),
    });
    // An idle connection that the server drops (restart, failover) is reported
    // here; without a listener it would crash the process. The next query
    // reconnects, and its own failure is what callers see.
    pool.on('error', () => undefined);
    const store = new PostgresStore(opts, pool);
    try {
      if (opts.migrate) await store.migrate();
      else await store.query('cannot connect to', 'SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return store;
  }

  /** @internal */
  get options(): ResolvedStoreOptions {
    return this.#opts;
  }

  /** Applies pending migrations (under a lock: safe from many machines at once). */
  async migrate(): Promise<MigrateResult> {
    this.#checkOpen();
    try {
      return await applyMigrations(this.#pool);
    } catch (err) {
      const e = err as { code?: string };
      if (e.code === '42501') {
        throw new SessionLogError(
          'ERR_STORE',
          `${this.displayUrl} needs migrating and this role may not: run 'agent-session-log migrate --store <url>' as the schema's owner`,
          { cause: err },
        );
      }
      throw storeError(this.#opts, 'cannot migrate', err);
    }
  }

  /** @internal A query with the driver's errors turned into ERR_STORE (password hidden). */
  async query<R extends QueryResultRow>(doing: string, sql: string, params: unknown[] = []): Promise<R[]> {
    return this.#run(doing, async (c) => (await c.query<R>(sql, params)).rows);
  }

  /** @internal The raw driver error is kept for retry decisions; callers wrap it. */
  async rawQuery<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<{ rows: R[]; rowCount: number }> {
    this.#checkOpen();
    const r = await this.#pool.query<R>(sql, params);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  }

  /** @internal One pooled connection, released afterwards (for COPY and transactions). */
  async withClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    this.#checkOpen();
    const client = await this.#pool.connect();
    let broken: unknown ;
    try {
      return await fn(client);
    } catch (err) {
      broken = err;
      throw err;
    } finally {
      // A connection that failed mid-COPY or mid-transaction is not given back.
      client.release(broken !== undefined ? true : undefined);
    }
  }

  /** @internal A connection of its own (LISTEN needs one that stays open); the caller ends it. */
  async openClient(): Promise<Client> {
    this.#checkOpen();
    const pg = await loadPg();
    const client = new pg.Client({
      connectionString: this.#opts.connectionString,
      connectionTimeoutMillis: 10_000,
      application_name: 'agent-session-log',
      ...(this.#opts.ssl !== undefined ? { ssl: this.#opts.ssl } : {}),
    });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  }

  async #run<T>(doing: string, fn: (pool: Pool) => Promise<T>): Promise<T> {
    this.#checkOpen();
    try {
      return await fn(this.#pool);
    } catch (err) {
      throw storeError(this.#opts, doing, err);
    }
  }

  /** @internal */
  warn(w: StoreWarning): void {
    try {
      this.#opts.onWarning(w);
    } catch {
      // A warning handler must not turn a warning into a failure.
    }
  }

  /** @internal Writes sessions (when given) and events in one statement; returns the events inserted. */
  async writeBatch(sessions: readonly StoreSessionInput[], rows: readonly EventRow[]): Promise<number> {
    const withSessions = sessions.length > 0;
    const params = [...(withSessions ? upsertSessionsParams(this.machine, sessions) : []), ...insertEventsParams(this.machine, rows)];
    const r = await this.rawQuery(writeBatchSql(withSessions), params);
    return r.rowCount;
  }

  /** @internal */
  async upsertSessions(sessions: readonly StoreSessionInput[], machine = this.machine): Promise<void> {
    if (sessions.length === 0) return;
    await this.rawQuery(upsertSessionsSql(1), upsertSessionsParams(machine, sessions));
  }

  /** @internal The highest seq the store holds for each session of `machine` (0 when none). */
  async maxSeqs(ids: readonly string[], machine = this.machine): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const r = await this.rawQuery<{ id: string; max: string | null }>(
        `SELECT u.id, (SELECT max(seq) FROM agent_session_log.events e
            WHERE e.machine = $1 AND e.wrapper_session_id = u.id) AS max
         FROM unnest($2::text[]) AS u(id)`,
        [machine, chunk],
      );
      for (const row of r.rows) out.set(row.id, row.max === null ? 0 : Number(row.max));
    }
    return out;
  }

  /** Sessions of every machine (or one), newest first. */
  listSessions(query: ListSessionsQuery = {}): Promise<StoreSession[]> {
    return listSessions(this, query);
  }

  /** Sessions whose wrapper or provider session id is `idOrPrefix` or starts with it (exact matches first). */
  findSessions(idOrPrefix: string, limit?: number): Promise<StoreSession[]> {
    return findSessions(this, idOrPrefix, limit);
  }

  /** A session's events in seq order, validated; rows failing the schema are reported and skipped. */
  readEvents(session: string | { machine?: string; wrapper_session_id: string }, options: ReadEventsOptions = {}): AsyncIterable<AgentLogEvent> {
    return readEvents(this, session, options);
  }

  /** Events matching a query, filtered in SQL. */
  search(query: StoreSearchQuery = {}): AsyncIterable<StoreSearchHit> {
    return searchEvents(this, query);
  }

  /** Token and cost totals of `usage` events, grouped in SQL. */
  usage(query: StoreUsageQuery): Promise<StoreUsageRow[]> {
    return usageRows(this, query);
  }

  /**
   * Every event inserted by any machine from now on (or from `from`), live via
   * LISTEN/NOTIFY; after a lost connection it reconnects and goes on from the
   * last event it yielded, without gaps or repeats.
   */
  subscribe(options: StoreSubscribeOptions = {}): AsyncIterable<StoreEvent> {
    this.#checkOpen();
    return subscribeStore(this, options);
  }

  /** Every machine's sessions, oldest first: what searchSessionLogs and usageReport read with `{ store }`. */
  sessions(signal?: AbortSignal): AsyncIterable<SessionInfo> {
    this.#checkOpen();
    return storeSessionInfos(this, signal);
  }

  /** One session's events as JSON lines in seq order, in batches (the prefilter is a hint, not applied). */
  lines(session: SessionInfo, prefilter: LinePrefilter | null, signal?: AbortSignal): AsyncIterable<readonly string[]> {
    this.#checkOpen();
    return storeSessionLines(this, session, prefilter, signal);
  }

  /** The cursor of "now": `subscribe({ from })` with it sees every event committed after this call. */
  subscribeCursor(): Promise<string> {
    this.#checkOpen();
    return nowCursor(this);
  }

  #checkOpen(): void {
    if (this.#closed) throw new SessionLogError('ERR_STORE', `store ${this.displayUrl} is closed`);
  }

  /** Closes the pool. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#pool.end().catch(() => undefined);
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens the store at `url` (or `$ASL_STORE_URL`) and applies pending
 * migrations. Rejects with ERR_INVALID_OPTION for a bad URL and ERR_STORE when
 * the server cannot be reached or refuses us; messages never show the password.
 */
export function openPostgresStore(url?: string | PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(url);
}

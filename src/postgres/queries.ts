import { SessionLogError } from '../errors.js';
import type { AgentLogEvent } from '../schema/index.js';
import { eventOfRow } from './rows.js';
import type { PostgresStore } from './store.js';
import { toTime } from './when.js';

/** A session as the store keeps it. Times are RFC 3339 UTC. */
export interface StoreSession {
  machine: string;
  wrapper_session_id: string;
  project: string | null;
  provider: string;
  provider_session_id: string | null;
  log_path: string | null;
  completeness: string;
  started_at: string | null;
  ended_at: string | null;
  workspace_path: string | null;
  command: string | null;
  model: string | null;
  source_paths: string[];
  backfilled: boolean;
  /** Events the store holds for it. */
  events: number;
}

export interface ListSessionsQuery {
  machine?: string;
  provider?: string;
  project?: string;
  /** Sessions started at or after (ISO, Date, or `1h`/`2d`/`3w` back). */
  since?: Date | string;
  until?: Date | string;
  limit?: number;
}

const SESSION_COLUMNS = `s.machine, s.wrapper_session_id, s.project, s.provider, s.provider_session_id, s.log_path,
  s.completeness, s.started_at, s.ended_at, s.workspace_path, s.command, s.model, s.source_paths, s.backfilled`;

interface SessionDbRow {
  machine: string;
  wrapper_session_id: string;
  project: string | null;
  provider: string;
  provider_session_id: string | null;
  log_path: string | null;
  completeness: string;
  started_at: Date | null;
  ended_at: Date | null;
  workspace_path: string | null;
  command: string | null;
  model: string | null;
  source_paths: unknown;
  backfilled: boolean;
  events: string;
}

function sessionOf(r: SessionDbRow): StoreSession {
  return {
    machine: r.machine,
    wrapper_session_id: r.wrapper_session_id,
    project: r.project,
    provider: r.provider,
    provider_session_id: r.provider_session_id,
    log_path: r.log_path,
    completeness: r.completeness,
    started_at: r.started_at ? r.started_at.toISOString() : null,
    ended_at: r.ended_at ? r.ended_at.toISOString() : null,
    workspace_path: r.workspace_path,
    command: r.command,
    model: r.model,
    source_paths: Array.isArray(r.source_paths) ? r.source_paths.filter((p): p is string => typeof p === 'string') : [],
    backfilled: r.backfilled,
    events: Number(r.events),
  };
}

/** Builds `WHERE` clauses with numbered parameters: values never enter the SQL text. */
class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: (p: string) => string, value: unknown): void {
    if (value === undefined || value === null) return;
    this.params.push(value);
    this.parts.push(sql(`$${this.params.length}`));
  }
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

export async function listSessions(store: PostgresStore, q: ListSessionsQuery): Promise<StoreSession[]> {
  const w = new Where();
  w.add((p) => `s.machine = ${p}`, q.machine);
  w.add((p) => `s.provider = ${p}`, q.provider);
  w.add((p) => `s.project = ${p}`, q.project);
  w.add((p) => `s.started_at >= ${p}`, toTime(q.since, 'since'));
  w.add((p) => `s.started_at <= ${p}`, toTime(q.until, 'until'));
  const limit = q.limit !== undefined ? `LIMIT ${w.param(Math.max(0, Math.floor(q.limit)))}` : '';
  const rows = await store.query<SessionDbRow>(
    'cannot list sessions in',
    `SELECT ${SESSION_COLUMNS},
       (SELECT count(*) FROM agent_session_log.events e WHERE e.machine = s.machine AND e.wrapper_session_id = s.wrapper_session_id) AS events
     FROM agent_session_log.sessions s ${w.sql}
     ORDER BY s.started_at DESC NULLS LAST, s.machine, s.wrapper_session_id ${limit}`,
    w.params,
  );
  return rows.map(sessionOf);
}

export interface ReadEventsOptions {
  /** Only events with `seq >= fromSeq`. */
  fromSeq?: number;
  signal?: AbortSignal;
}

const PAGE = 1000;

/**
 * A session's events by seq, a page at a time (memory stays bounded). With
 * no machine given, the id must name one session across machines.
 */
export async function* readEvents(
  store: PostgresStore,
  session: string | { machine?: string; wrapper_session_id: string },
  options: ReadEventsOptions,
): AsyncGenerator<AgentLogEvent> {
  const id = typeof session === 'string' ? session : session.wrapper_session_id;
  let machine = typeof session === 'string' ? undefined : session.machine;
  if (machine === undefined) {
    const found = await store.query<{ machine: string }>(
      'cannot read',
      'SELECT machine FROM agent_session_log.sessions WHERE wrapper_session_id = $1 UNION SELECT machine FROM agent_session_log.events WHERE wrapper_session_id = $1 LIMIT 2',
      [id],
    );
    if (found.length === 0) throw new SessionLogError('ERR_NOT_FOUND', `no session ${id} in ${store.displayUrl}`);
    if (found.length > 1) throw new SessionLogError('ERR_AMBIGUOUS_ID', `session ${id} exists on several machines: name the machine`);
    machine = found[0]!.machine;
  }
  let after = Math.max(0, (options.fromSeq ?? 1) - 1);
  for (;;) {
    options.signal?.throwIfAborted();
    const rows = await store.query<{ seq: string; event: unknown }>(
      'cannot read',
      `SELECT seq, event FROM agent_session_log.events
       WHERE machine = $1 AND wrapper_session_id = $2 AND seq > $3 ORDER BY seq LIMIT ${PAGE}`,
      [machine, id, after],
    );
    for (const r of rows) {
      after = Number(r.seq);
      const parsed = eventOfRow(r.event);
      if (parsed.ok) yield parsed.event;
      else store.warn(invalidRow(machine, id, after, parsed.reason));
    }
    if (rows.length < PAGE) return;
  }
}

export function invalidRow(machine: string, id: string, seq: number, reason: string) {
  return {
    code: 'invalid_row' as const,
    message: `skipped event ${machine}/${id}#${seq} in the store: it fails the schema (${reason})`,
    machine,
    wrapper_session_id: id,
    seq,
  };
}

export interface StoreSearchQuery {
  /** Substring of the event's text fields (content, message, result, error, tool input/output). */
  text?: string;
  /** A POSIX regular expression over the same text, instead of `text`. */
  regex?: string;
  caseSensitive?: boolean;
  provider?: string;
  machine?: string;
  role?: string;
  toolName?: string;
  toolKind?: string;
  types?: readonly string[];
  since?: Date | string;
  until?: Date | string;
  session?: string;
  limit?: number;
  signal?: AbortSignal;
}

export interface StoreSearchHit {
  session: { machine: string; wrapper_session_id: string };
  event: AgentLogEvent;
}

const SEARCH_TEXT = `concat_ws(' ', e.event->>'content', e.event->>'message', e.event->>'result', e.event->>'error',
  e.event->>'description', e.event->'input', e.event->'output')`;

export async function* searchEvents(store: PostgresStore, q: StoreSearchQuery): AsyncGenerator<StoreSearchHit> {
  const w = new Where();
  if (q.regex !== undefined) w.add((p) => `${SEARCH_TEXT} ${q.caseSensitive ? '~' : '~*'} ${p}`, q.regex);
  else if (q.text !== undefined && q.text !== '') {
    const like = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    w.add((p) => `${SEARCH_TEXT} ${q.caseSensitive ? 'LIKE' : 'ILIKE'} ${p}`, like);
  }
  w.add((p) => `e.provider = ${p}`, q.provider);
  w.add((p) => `e.machine = ${p}`, q.machine);
  w.add((p) => `e.event->>'role' = ${p}`, q.role);
  w.add((p) => `e.tool_name = ${p}`, q.toolName);
  w.add((p) => `e.event->>'tool_kind' = ${p}`, q.toolKind);
  w.add((p) => `e.type = ANY(${p}::text[])`, q.types && q.types.length > 0 ? [...q.types] : undefined);
  w.add((p) => `e.ts >= ${p}`, toTime(q.since, 'since'));
  w.add((p) => `e.ts <= ${p}`, toTime(q.until, 'until'));
  w.add((p) => `e.wrapper_session_id = ${p}`, q.session);
  let left = q.limit ?? Infinity;
  let after = 0;
  const base = w.params.length;
  for (;;) {
    q.signal?.throwIfAborted();
    const page = Math.min(PAGE, left);
    if (page <= 0) return;
    const rows = await store.query<{ id: string; machine: string; wrapper_session_id: string; seq: string; event: unknown }>(
      'cannot search',
      `SELECT e.id, e.machine, e.wrapper_session_id, e.seq, e.event FROM agent_session_log.events e
       ${w.sql ? `${w.sql} AND` : 'WHERE'} e.id > $${base + 1} ORDER BY e.id LIMIT ${page}`,
      [...w.params, after],
    );
    for (const r of rows) {
      after = Number(r.id);
      const parsed = eventOfRow(r.event);
      if (!parsed.ok) {
        store.warn(invalidRow(r.machine, r.wrapper_session_id, Number(r.seq), parsed.reason));
        continue;
      }
      left--;
      yield { session: { machine: r.machine, wrapper_session_id: r.wrapper_session_id }, event: parsed.event };
    }
    if (rows.length < page) return;
  }
}

export type StoreUsageGroup = 'day' | 'week' | 'month' | 'session' | 'model' | 'provider' | 'machine';

export interface StoreUsageQuery {
  groupBy: StoreUsageGroup;
  since?: Date | string;
  until?: Date | string;
  machine?: string;
  provider?: string;
  /** IANA zone for day/week/month buckets (default UTC). */
  timeZone?: string;
}

export interface StoreUsageRow {
  key: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
  cost_usd: number;
  events: number;
}

function num(field: string): string {
  return `coalesce(sum(CASE WHEN jsonb_typeof(e.event->'${field}') = 'number' THEN (e.event->>'${field}')::numeric END), 0)`;
}

export async function usageRows(store: PostgresStore, q: StoreUsageQuery): Promise<StoreUsageRow[]> {
  const w = new Where();
  w.parts.push(`e.type = 'usage'`);
  w.add((p) => `e.ts >= ${p}`, toTime(q.since, 'since'));
  w.add((p) => `e.ts <= ${p}`, toTime(q.until, 'until'));
  w.add((p) => `e.machine = ${p}`, q.machine);
  w.add((p) => `e.provider = ${p}`, q.provider);
  const local = (): string => `(e.ts AT TIME ZONE ${w.param(q.timeZone ?? 'UTC')})`;
  let key: string;
  switch (q.groupBy) {
    case 'day':
      key = `to_char(${local()}, 'YYYY-MM-DD')`;
      break;
    case 'week':
      key = `to_char(date_trunc('week', ${local()}), 'YYYY-MM-DD')`;
      break;
    case 'month':
      key = `to_char(${local()}, 'YYYY-MM')`;
      break;
    case 'session':
      key = `e.machine || '/' || e.wrapper_session_id`;
      break;
    case 'model':
      key = `coalesce(e.model, s.model, 'unknown')`;
      break;
    case 'provider':
      key = 'e.provider';
      break;
    case 'machine':
      key = 'e.machine';
      break;
    default:
      throw new SessionLogError('ERR_INVALID_OPTION', `invalid groupBy ${JSON.stringify(q.groupBy)}`);
  }
  const rows = await store.query<Record<string, string>>(
    'cannot count usage in',
    `SELECT ${key} AS key, ${num('input_tokens')} AS input_tokens, ${num('output_tokens')} AS output_tokens,
       ${num('cache_read_tokens')} AS cache_read_tokens, ${num('cache_creation_tokens')} AS cache_creation_tokens,
       ${num('total_cost_usd')} AS cost_usd, count(*) AS events
     FROM agent_session_log.events e
     LEFT JOIN agent_session_log.sessions s ON s.machine = e.machine AND s.wrapper_session_id = e.wrapper_session_id
     ${w.sql} GROUP BY 1 ORDER BY 1`,
    w.params,
  );
  return rows.map((r) => ({
    key: String(r.key),
    input_tokens: Number(r.input_tokens),
    output_tokens: Number(r.output_tokens),
    cache_read_tokens: Number(r.cache_read_tokens),
    cache_creation_tokens: Number(r.cache_creation_tokens),
    cost_usd: Number(r.cost_usd),
    events: Number(r.events),
  }));
}

/**
 * Sessions a command-line id may mean: the wrapper or provider session id
 * equal to `text` or starting with it (LIKE with its wildcards escaped), at
 * most `limit` of them, exact matches first.
 */
export async function findSessions(store: PostgresStore, text: string, limit = 50): Promise<StoreSession[]> {
  const prefix = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await store.query<SessionDbRow>(
    'cannot look up sessions in',
    `SELECT ${SESSION_COLUMNS},
       (SELECT count(*) FROM agent_session_log.events e WHERE e.machine = s.machine AND e.wrapper_session_id = s.wrapper_session_id) AS events
     FROM agent_session_log.sessions s
     WHERE s.wrapper_session_id LIKE $2 OR s.provider_session_id LIKE $2
     ORDER BY (s.wrapper_session_id = $1 OR s.provider_session_id = $1) DESC, s.started_at DESC NULLS LAST, s.machine, s.wrapper_session_id
     LIMIT $3`,
    [text, prefix, Math.max(1, Math.floor(limit))],
  );
  return rows.map(sessionOf);
}

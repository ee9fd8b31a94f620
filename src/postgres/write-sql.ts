import type { EventRow } from './rows.js';

/** What the store keeps of a session (the index entry's fields plus `machine`, `project`, `model`). */
export interface StoreSessionInput {
  wrapper_session_id: string;
  provider: string;
  project?: string | null;
  provider_session_id?: string | null;
  log_path?: string | null;
  completeness?: string;
  started_at?: string | null;
  ended_at?: string | null;
  workspace_path?: string | null;
  command?: string | null;
  model?: string | null;
  source_paths?: string[];
  backfilled?: boolean;
}

/**
 * Upsert of many sessions in one statement. Later facts never erase earlier
 * ones: nulls keep what is there, started_at only moves earlier and ended_at
 * only later, so the mirror and a sync may upsert in any order.
 */
export function upsertSessionsSql(first: number): string {
  const p = (i: number): string => `$${first + i}`;
  return `INSERT INTO agent_session_log.sessions AS s
    (machine, wrapper_session_id, project, provider, provider_session_id, log_path, completeness,
     started_at, ended_at, workspace_path, command, model, source_paths, backfilled)
  SELECT ${p(0)}, u.id, u.project, u.provider, u.psid, u.log_path, coalesce(u.completeness, 'full'),
     u.started_at, u.ended_at, u.workspace_path, u.command, u.model, coalesce(u.source_paths, '[]'), coalesce(u.backfilled, false)
  FROM unnest(${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::text[], ${p(5)}::text[], ${p(6)}::text[],
              ${p(7)}::timestamptz[], ${p(8)}::timestamptz[], ${p(9)}::text[], ${p(10)}::text[], ${p(11)}::text[],
              ${p(12)}::jsonb[], ${p(13)}::boolean[])
    AS u(id, project, provider, psid, log_path, completeness, started_at, ended_at, workspace_path, command, model, source_paths, backfilled)
  ON CONFLICT (machine, wrapper_session_id) DO UPDATE SET
    project = coalesce(EXCLUDED.project, s.project),
    provider = EXCLUDED.provider,
    provider_session_id = coalesce(EXCLUDED.provider_session_id, s.provider_session_id),
    log_path = coalesce(EXCLUDED.log_path, s.log_path),
    completeness = EXCLUDED.completeness,
    started_at = least(s.started_at, EXCLUDED.started_at),
    ended_at = greatest(s.ended_at, EXCLUDED.ended_at),
    workspace_path = coalesce(EXCLUDED.workspace_path, s.workspace_path),
    command = coalesce(EXCLUDED.command, s.command),
    model = coalesce(EXCLUDED.model, s.model),
    source_paths = CASE WHEN jsonb_array_length(EXCLUDED.source_paths) > 0 THEN EXCLUDED.source_paths ELSE s.source_paths END,
    backfilled = EXCLUDED.backfilled OR s.backfilled,
    updated_at = now()`;
}

export function upsertSessionsParams(machine: string, sessions: readonly StoreSessionInput[]): unknown[] {
  const col = <T>(f: (s: StoreSessionInput) => T): T[] => sessions.map(f);
  return [
    machine,
    col((s) => s.wrapper_session_id),
    col((s) => s.project ?? null),
    col((s) => s.provider),
    col((s) => s.provider_session_id ?? null),
    col((s) => s.log_path ?? null),
    col((s) => s.completeness ?? null),
    col((s) => s.started_at ?? null),
    col((s) => s.ended_at ?? null),
    col((s) => s.workspace_path ?? null),
    col((s) => s.command ?? null),
    col((s) => s.model ?? null),
    col((s) => (s.source_paths && s.source_paths.length > 0 ? JSON.stringify(s.source_paths) : null)),
    col((s) => s.backfilled ?? null),
  ];
}

/** Insert of many events in one statement; rows the store has already are skipped, not errors. */
export function insertEventsSql(first: number): string {
  const p = (i: number): string => `$${first + i}`;
  return `INSERT INTO agent_session_log.events
    (machine, wrapper_session_id, seq, ts, type, provider, source_kind, tool_name, model, event)
  SELECT ${p(0)}, u.* FROM unnest(${p(1)}::text[], ${p(2)}::bigint[], ${p(3)}::timestamptz[], ${p(4)}::text[],
    ${p(5)}::text[], ${p(6)}::text[], ${p(7)}::text[], ${p(8)}::text[], ${p(9)}::jsonb[])
    AS u(wrapper_session_id, seq, ts, type, provider, source_kind, tool_name, model, event)
  ON CONFLICT (machine, wrapper_session_id, seq) DO NOTHING`;
}

export function insertEventsParams(machine: string, rows: readonly EventRow[]): unknown[] {
  const col = <T>(f: (r: EventRow) => T): T[] => rows.map(f);
  return [
    machine,
    col((r) => r.wrapper_session_id),
    col((r) => r.seq),
    col((r) => r.ts),
    col((r) => r.type),
    col((r) => r.provider),
    col((r) => r.source_kind),
    col((r) => r.tool_name),
    col((r) => r.model),
    col((r) => r.json),
  ];
}

/** Sessions and events in one round trip (the mirror's flush). */
export function writeBatchSql(withSessions: boolean): string {
  if (!withSessions) return insertEventsSql(1);
  return `WITH upserted AS (${upsertSessionsSql(1)} RETURNING 1) ${insertEventsSql(15)}`;
}

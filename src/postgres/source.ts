import type { LinePrefilter, SessionInfo } from '../sessions/index.js';
import type { PostgresStore } from './store.js';

/**
 * The store as a `SessionSource` of the cross-session functions (search,
 * usage): every machine's sessions, and each one's events as JSON lines.
 */

interface InfoRow {
  machine: string;
  wrapper_session_id: string;
  provider: string;
  provider_session_id: string | null;
  log_path: string | null;
  started_at: Date | null;
  ended_at: Date | null;
  workspace_path: string | null;
  project: string | null;
}

/** Sessions oldest first (no start time first), as the folder source orders them. */
export async function* storeSessionInfos(store: PostgresStore, signal?: AbortSignal): AsyncGenerator<SessionInfo> {
  signal?.throwIfAborted();
  const rows = await store.query<InfoRow>(
    'cannot list sessions in',
    `SELECT machine, wrapper_session_id, provider, provider_session_id, log_path, started_at, ended_at, workspace_path, project
     FROM agent_session_log.sessions ORDER BY started_at ASC NULLS FIRST, machine, wrapper_session_id`,
  );
  for (const r of rows) {
    yield {
      wrapper_session_id: r.wrapper_session_id,
      provider: r.provider,
      provider_session_id: r.provider_session_id,
      log_path: r.log_path ?? '',
      started_at: r.started_at ? r.started_at.toISOString() : null,
      ended_at: r.ended_at ? r.ended_at.toISOString() : null,
      workspace_path: r.workspace_path,
      project: r.project,
      machine: r.machine,
    };
  }
}

const PAGE = 2000;

/**
 * A session's events as JSON text, by seq, a page at a time. The prefilter
 * is not applied: jsonb's text form spaces and orders keys unlike a log line,
 * and the caller checks every line anyway.
 */
export async function* storeSessionLines(
  store: PostgresStore,
  session: SessionInfo,
  _prefilter: LinePrefilter | null,
  signal?: AbortSignal,
): AsyncGenerator<readonly string[]> {
  const machine = session.machine ?? store.machine;
  let after = 0;
  for (;;) {
    signal?.throwIfAborted();
    const rows = await store.query<{ seq: string; json: string }>(
      'cannot read',
      `SELECT seq, event::text AS json FROM agent_session_log.events
       WHERE machine = $1 AND wrapper_session_id = $2 AND seq > $3 ORDER BY seq LIMIT ${PAGE}`,
      [machine, session.wrapper_session_id, after],
    );
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.seq);
    yield rows.map((r) => r.json);
    if (rows.length < PAGE) return;
  }
}

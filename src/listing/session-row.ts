import { statSync } from 'node:fs';
import { readSessionLog } from '../read/index.js';
import type { AgentLogEvent } from '../schema/index.js';
import { sessionState, type SessionState } from './liveness.js';

/** Where a listed session comes from: an entry of the project index or of the global index. */
export interface ListedSession {
  session_id: string;
  provider: string;
  project: string | null;
  log_path: string;
  started_at: string;
  /** What the project index knows; null for a global entry (the log tells instead). */
  provider_session_id?: string | null;
  ended_at?: string | null;
  completeness?: string | null;
  workspace_path?: string | null;
  backfilled?: boolean | null;
  /** The machine that recorded it, for a session read from a store. */
  machine?: string;
}

export interface TokenTotals {
  input: number;
  output: number;
  cache_read: number;
  cache_creation: number;
  total: number;
}

/** One row of `list`: the same shape for one project and for all of them. */
export interface SessionRow {
  session_id: string;
  provider: string;
  provider_session_id: string | null;
  project: string | null;
  state: SessionState;
  origin: 'live' | 'imported';
  completeness: string | null;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  /** The first prompt, on one line, shortened. */
  title: string | null;
  /** Events in the log (null when the log is missing). */
  events: number | null;
  tokens: TokenTotals | null;
  workspace_path: string | null;
  log_path: string;
  /** The machine that recorded it, for a session read from a store. */
  machine?: string;
}

const TITLE_MAX = 120;

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= TITLE_MAX ? flat : `${flat.slice(0, TITLE_MAX - 1)}…`;
}

/**
 * Reads one log once, streaming (memory does not grow with its size), for
 * what the index does not say: the first prompt, the number of events, the
 * tokens of its `usage` events, its end and whether it is still being written.
 */
export async function describeSession(s: ListedSession, now = Date.now()): Promise<SessionRow> {
  // A listed log that is gone costs one stat, not a failed read and more: an index can list very many.
  const readable = statSync(s.log_path, { throwIfNoEntry: false }) !== undefined;
  return describeEvents(s, readable ? readSessionLog(s.log_path, { onInvalid: 'skip' }) : null, (facts) =>
    sessionState({ logPath: s.log_path, ...facts }, now),
  );
}

/** What the log of a session says, given its events from wherever they are (null: none readable). */
export interface SessionFactsForState {
  ended: boolean;
  lastEventTs: string | null;
  heartbeatSecs: number | null;
}

/** The row of a session from its events (a log file, or a store's rows), and how to tell its state. */
export async function describeEvents(
  s: ListedSession,
  source: AsyncIterable<AgentLogEvent> | null,
  stateOf: (facts: SessionFactsForState) => Promise<SessionState>,
): Promise<SessionRow> {
  let events = 0;
  let title: string | null = null;
  let endedTs: string | null = null;
  let lastTs: string | null = null;
  let heartbeatSecs: number | null = null;
  let completeness: string | null = null;
  let workspace: string | null = null;
  let backfilled: boolean | null = null;
  let providerSessionId: string | null = null;
  const tokens: TokenTotals = { input: 0, output: 0, cache_read: 0, cache_creation: 0, total: 0 };
  let readable = source !== null;
  if (source !== null) {
    try {
      for await (const ev of source) {
        events++;
        lastTs = ev.ts;
        completeness = ev.completeness;
        providerSessionId = ev.provider_session_id ?? providerSessionId;
        switch (ev.type) {
          case 'session_started':
            workspace ??= ev.cwd ?? null;
            backfilled ??= ev.backfilled;
            break;
          case 'user_message':
            if (title === null && ev.role === 'user' && ev.content.trim() !== '') title = shorten(ev.content);
            break;
          case 'usage':
            tokens.input += ev.input_tokens;
            tokens.output += ev.output_tokens;
            tokens.cache_read += ev.cache_read_tokens ?? 0;
            tokens.cache_creation += ev.cache_creation_tokens ?? 0;
            break;
          case 'heartbeat':
            heartbeatSecs = ev.interval_secs ?? heartbeatSecs;
            break;
          case 'session_ended':
            endedTs = ev.ts;
            break;
          default:
            break;
        }
      }
    } catch {
      readable = false;
    }
  }
  tokens.total = tokens.input + tokens.output + tokens.cache_read + tokens.cache_creation;
  const endedAt = s.ended_at ?? endedTs;
  const state = await stateOf({ ended: endedAt !== null, lastEventTs: lastTs, heartbeatSecs });
  const start = Date.parse(s.started_at);
  const end = Date.parse(endedAt ?? lastTs ?? '');
  return {
    session_id: s.session_id,
    provider: s.provider,
    provider_session_id: s.provider_session_id ?? providerSessionId,
    project: s.project,
    state,
    origin: (s.backfilled ?? backfilled) === true ? 'imported' : 'live',
    completeness: s.completeness ?? completeness,
    started_at: s.started_at,
    ended_at: endedAt,
    duration_ms: Number.isNaN(start) || Number.isNaN(end) ? null : Math.max(0, end - start),
    title,
    events: readable ? events : null,
    tokens: readable ? tokens : null,
    workspace_path: s.workspace_path ?? workspace,
    log_path: s.log_path,
    ...(s.machine !== undefined ? { machine: s.machine } : {}),
  };
}

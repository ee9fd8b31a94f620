import { stat } from 'node:fs/promises';
import { probeOwner, readOwnerRecord } from '../writer/owner.js';

/** zag's and our coordinator's heartbeat interval when a log names none. */
const DEFAULT_HEARTBEAT_SECS = 10;
/** Missed heartbeats before a session counts as abandoned. */
const MISSED_BEATS = 3;

export type SessionState = 'open' | 'ended' | 'stale' | 'missing';

export interface LivenessInput {
  logPath: string;
  /** The session ended (index `ended_at`, or a `session_ended` in the log). */
  ended: boolean;
  /** `ts` of the last event read, if any. */
  lastEventTs: string | null;
  /** `interval_secs` of the last heartbeat, if any. */
  heartbeatSecs: number | null;
}

/**
 * Whether a session that has not ended is still being written. A writer of
 * ours leaves an owner record with a socket next to the log; if something
 * answers on it, the session is open. zag's writer leaves no record but beats
 * every 10 s. So a session is `stale` (its writer was killed, e.g. with
 * `kill -9`, and will never write `session_ended`) when no owner answers and
 * nothing was written for three heartbeat intervals: the later of the log's
 * mtime and its last event's time is older than that.
 */
export async function sessionState(input: LivenessInput, now = Date.now()): Promise<SessionState> {
  if (input.ended) return 'ended';
  const st = await stat(input.logPath).catch(() => null);
  if (st === null) return 'missing';
  const owner = readOwnerRecord(input.logPath);
  if (owner !== null && (await probeOwner(owner)) === 'live') return 'open';
  const lastTs = input.lastEventTs ? Date.parse(input.lastEventTs) : NaN;
  const lastActivity = Math.max(st.mtimeMs, Number.isNaN(lastTs) ? 0 : lastTs);
  return quietTooLong(lastActivity, input.heartbeatSecs, now) ? 'stale' : 'open';
}

/** True when nothing happened for three heartbeat intervals since `lastActivity` (ms). */
export function quietTooLong(lastActivity: number, heartbeatSecs: number | null, now = Date.now()): boolean {
  const interval = (heartbeatSecs && heartbeatSecs > 0 ? heartbeatSecs : DEFAULT_HEARTBEAT_SECS) * 1000;
  return now - lastActivity > MISSED_BEATS * interval;
}

/**
 * The state of a session known only by its events (a store's copy, another
 * machine's): no file or owner to ask, so its last event's time decides.
 */
export function stateFromEvents(input: Omit<LivenessInput, 'logPath'>, now = Date.now()): SessionState {
  if (input.ended) return 'ended';
  const lastTs = input.lastEventTs ? Date.parse(input.lastEventTs) : NaN;
  return quietTooLong(Number.isNaN(lastTs) ? 0 : lastTs, input.heartbeatSecs, now) ? 'stale' : 'open';
}

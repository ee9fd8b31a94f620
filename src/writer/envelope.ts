import fs from 'node:fs';
import { SessionLogError } from '../errors.js';
import type { AgentLogEvent } from '../schema/event.js';
import type { LogEventKind } from '../schema/kinds.js';
import { linesFromEnd, readFirstLine } from './tail.js';

/** The fields every line of one session log shares, plus the per-line ones. */
export interface EventEnvelope {
  seq: number;
  ts: string;
  provider: string;
  wrapper_session_id: string;
  provider_session_id: string | null;
  source_kind: AgentLogEvent['source_kind'];
  completeness: AgentLogEvent['completeness'];
}

/**
 * The one rule for `usage_limit_hit`'s own `provider` (API.md): it may be
 * given, but then it must be the log's provider; the line carries the
 * envelope's `provider` once. A different provider is rejected
 * (ERR_INVALID_EVENT) rather than silently rewritten: the caller named a
 * provider this log does not belong to.
 */
export function checkLimitProvider(kind: LogEventKind, provider: string): void {
  if (kind.type !== 'usage_limit_hit') return;
  const own = (kind as { provider?: unknown }).provider;
  if (own !== undefined && own !== null && own !== provider) {
    throw new SessionLogError(
      'ERR_INVALID_EVENT',
      `usage_limit_hit names provider ${JSON.stringify(own)} but the log belongs to ${JSON.stringify(provider)}`,
    );
  }
}

/** The event object for a line: envelope, then the kind's fields (see {@link checkLimitProvider}). */
export function eventOf(envelope: EventEnvelope, kind: LogEventKind): AgentLogEvent {
  checkLimitProvider(kind, envelope.provider);
  const event = { ...envelope, ...kind } as AgentLogEvent;
  // The kind's own (equal or absent) `provider` must not blank the envelope's.
  if (kind.type === 'usage_limit_hit') event.provider = envelope.provider;
  return event;
}

/** Provider and wrapper session id of a log, as its lines say. */
export interface LogIdentity {
  provider: string;
  wrapperSessionId: string;
}

function identityOf(line: string | null): LogIdentity | null {
  if (!line) return null;
  try {
    const v = JSON.parse(line) as Record<string, unknown> | null;
    if (v && typeof v.provider === 'string' && typeof v.wrapper_session_id === 'string') {
      return { provider: v.provider, wrapperSessionId: v.wrapper_session_id };
    }
  } catch {
    // A torn or foreign line: look at another one.
  }
  return null;
}

/** How many lines from the end are tried when the first line says nothing. */
const IDENTITY_SEARCH_LINES = 8;

/** Whose log this is, from its first readable line (else one of its last); null for a log with none. */
export function readLogIdentity(fd: number): LogIdentity | null {
  const first = identityOf(readFirstLine(fd));
  if (first) return first;
  let n = 0;
  for (const line of linesFromEnd(fd, fs.fstatSync(fd).size)) {
    const id = identityOf(line);
    if (id) return id;
    if (++n >= IDENTITY_SEARCH_LINES) break;
  }
  return null;
}

/**
 * Rejects (ERR_INVALID_EVENT) an append whose provider or wrapper session id
 * differs from the log's: one log holds one session, and a line with another
 * envelope would be read as part of it.
 */
export function checkEnvelope(log: LogIdentity | null, provider: string, wrapperSessionId: string, file: string): void {
  if (!log) return;
  if (log.provider !== provider || log.wrapperSessionId !== wrapperSessionId) {
    throw new SessionLogError(
      'ERR_INVALID_EVENT',
      `${file} belongs to ${log.provider} session ${JSON.stringify(log.wrapperSessionId)}; ` +
        `refusing an event for ${provider} session ${JSON.stringify(wrapperSessionId)}`,
    );
  }
}

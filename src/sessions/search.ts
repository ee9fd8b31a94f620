import { SessionLogError } from '../errors.js';
import { parseLogEvent, type AgentLogEvent } from '../schema/index.js';
import { sourceFor } from './folder-source.js';
import { compileQuery, type SessionSearchQuery } from './query.js';
import { spanOverlaps } from './time-range.js';
import type { ScopeOptions, SessionInfo } from './types.js';

/** One search hit: the event, and the session it belongs to. */
export interface SessionSearchMatch {
  session: SessionInfo;
  event: AgentLogEvent;
}

export type SearchSessionLogsOptions = ScopeOptions;

/**
 * Streams the events that match `query`, session by session (oldest session
 * first), each log in file order. Lines that cannot match are skipped on
 * their raw text before any parsing (see needle.ts); damaged lines are
 * skipped. The query is checked before the first read: a bad field rejects
 * with ERR_INVALID_OPTION. Aborting `signal` ends the iteration with
 * ERR_ABORTED; breaking out of the loop stops reading at once.
 */
export async function* searchSessionLogs(
  query: SessionSearchQuery,
  options: SearchSessionLogsOptions = {},
): AsyncGenerator<SessionSearchMatch> {
  const compiled = compileQuery(query);
  const { signal } = options;
  const aborted = (): never => {
    throw new SessionLogError('ERR_ABORTED', 'search aborted', { cause: signal?.reason });
  };
  if (signal?.aborted) aborted();
  const source = await sourceFor(options);
  for await (const session of source.sessions(signal)) {
    if (signal?.aborted) aborted();
    if (!compiled.session(session) || !spanOverlaps(compiled.range, session.ended_at)) continue;
    for await (const batch of source.lines(session, compiled.prefilter, signal)) {
      for (const line of batch) {
        const event = parse(line);
        if (event && compiled.event(event)) yield { session, event };
      }
      if (signal?.aborted) aborted();
    }
  }
}

function parse(line: string): AgentLogEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = parseLogEvent(value);
  return parsed.ok ? parsed.event : null;
}

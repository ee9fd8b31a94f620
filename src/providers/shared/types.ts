import type { LogEventInput, LogSourceKind } from '../../schema/index.js';

/**
 * One normalized event produced by a provider parser, with where it came
 * from and, third, the time of the provider record it was made from (RFC 3339
 * UTC with milliseconds; see record-times.ts). Parsers leave it out only while
 * a file has shown no readable time at all.
 */
export type ParsedEvent = [LogSourceKind, LogEventInput, string?];

/** What a parser learned about the session besides its events. */
export interface SessionMeta {
  sessionId?: string;
  cwd?: string;
  model?: string;
  /** RFC 3339 time of the first record. */
  startedAt?: string;
  /** RFC 3339 time of the last record. */
  endedAt?: string;
}

/**
 * The shape every provider parser has. A parser is a pure state machine over
 * complete lines (or records): no I/O, no clocks. The live adapter and the
 * historical adapter feed the same parser, so a live capture and a backfill of
 * the same file produce the same events.
 */
export interface LineParser {
  /** Feeds one complete line (without its `\n`) and returns the events it completes. */
  push(line: string): ParsedEvent[];
  /** End of input (history read to the end, or live finalize): flushes anything held back. */
  end(): ParsedEvent[];
  readonly meta: Readonly<SessionMeta>;
}

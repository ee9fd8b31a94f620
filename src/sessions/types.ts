import type { AgentLogEvent } from '../schema/index.js';

/**
 * What the cross-session functions (search, usage) need from wherever the
 * logs live. The folder implementation reads `index.json` and
 * `sessions/*.jsonl`; a database store implements the same two methods.
 */

/** One session in scope: its index entry, or what can be told of it without one. */
export interface SessionInfo {
  wrapper_session_id: string;
  provider: string;
  provider_session_id: string | null;
  log_path: string;
  /** RFC 3339; null when neither an index entry nor the log names it. */
  started_at: string | null;
  ended_at: string | null;
  workspace_path: string | null;
  /** zag's project name (the folder holding `logs/`), when known. */
  project: string | null;
  /** The machine that recorded it, for sessions read from a store (absent for a folder). */
  machine?: string;
}

/**
 * Raw-line prefilter: a line that contains none of these can hold no match,
 * so it is not parsed. Strings are matched on the line's JSON text, which is
 * why callers pass them JSON-escaped (see needle.ts).
 */
export interface LinePrefilter {
  /** Literal strings, any of which may mark a matching line. */
  needles: readonly string[];
  /** Match the needles ignoring ASCII case. */
  ignoreCase: boolean;
}

/** Where sessions come from: the logs folder(s) today, a database store later. */
export interface SessionSource {
  /** The sessions in scope, oldest first. */
  sessions(signal?: AbortSignal): AsyncIterable<SessionInfo>;
  /**
   * The JSON lines of one session's log, in order, batched. With a prefilter,
   * lines that contain none of its needles may be left out (never required).
   */
  lines(session: SessionInfo, prefilter: LinePrefilter | null, signal?: AbortSignal): AsyncIterable<readonly string[]>;
}

/** One event a store's subscription yields, with where it came from. */
export interface StoreFeedEvent {
  machine: string;
  event: AgentLogEvent;
  /** Resume point: passed back as `from`, the store goes on after this event. */
  cursor: string;
  project?: string | null;
  log_path?: string | null;
}

/**
 * A store of the sessions of many machines, passed in place of a folder (e.g.
 * the `PostgresStore` of `agent-session-log/postgres`). The core only knows
 * this shape, so it never loads a database client.
 */
export interface SessionLogStore extends SessionSource {
  /** The store's address with any password hidden: safe to print. */
  readonly displayUrl: string;
  /** One session's events in seq order (rows failing the schema are reported by the store and skipped). */
  readEvents(session: { machine?: string; wrapper_session_id: string }, options?: { signal?: AbortSignal }): AsyncIterable<AgentLogEvent>;
  /** The cursor of "now": a subscription from it sees every event committed afterwards. */
  subscribeCursor(): Promise<string>;
  /**
   * Every event of every machine from `from` (`'start'`, or a cursor) on,
   * live; resumes after a lost connection without gaps or repeats.
   */
  subscribe(options: { from?: string; types?: readonly string[]; provider?: string; signal?: AbortSignal }): AsyncIterable<StoreFeedEvent>;
}

/** Where to look: one project's logs folder (default), every project, or a store. */
export interface ScopeOptions {
  /** The project's logs folder (default: `logsDir()`, the current project's). */
  logsDir?: string;
  /** Every project, through the global index (`<home>/.zag`). */
  allProjects?: boolean;
  /** Home folder holding `.zag` (default: the user's). */
  home?: string;
  /** Another source of sessions (e.g. a database store); replaces the folders. */
  store?: SessionSource;
  signal?: AbortSignal;
}

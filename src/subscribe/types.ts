import type { AgentLogEvent } from '../schema/index.js';
import type { SessionLogLineError } from '../read/index.js';
import type { SessionLogStore } from '../sessions/types.js';

/** The session an event of a subscription comes from. */
export interface SubscribedSession {
  /** The wrapper session id: the log's file name without `.jsonl`. */
  id: string;
  /** The session's log file. */
  logPath: string;
  /**
   * zag's project name (the folder that holds `logs/`) with `allProjects`;
   * null when one logs folder was subscribed to.
   */
  project: string | null;
  /** The machine that recorded it, for a subscription to a store. */
  machine?: string;
}

/** One event of a subscription, and where it is from. */
export interface SessionStreamItem {
  session: SubscribedSession;
  event: AgentLogEvent;
}

export interface SubscribeSessionLogsOptions {
  /** The logs folder (default: `logsDir()` for the current folder's project). */
  logsDir?: string;
  /** Every project: the logs folders the global index `<home>/.zag/sessions_index.json` points into. */
  allProjects?: boolean;
  /** Replaces the user's home folder (for `~/.zag`). */
  home?: string;
  /**
   * Every machine's sessions from this store (e.g. `openPostgresStore(url)`)
   * instead of the folders: live across machines, resumed without gaps after
   * a lost connection. `logsDir`, `allProjects`, `home` and `pollIntervalMs` are then unused.
   */
  store?: SessionLogStore;
  /** Only events of these types. An unknown type is rejected (ERR_INVALID_OPTION). */
  types?: readonly string[];
  /** Only events of this provider (or these providers). */
  provider?: string | readonly string[];
  /** Ends the iteration (normally, without an error) when aborted. */
  signal?: AbortSignal;
  /**
   * Also yield the events already in the logs when subscribing (default
   * false: only events written after the subscription started). Sessions
   * that appear later are always read from their first event.
   */
  fromStart?: boolean;
  /**
   * How often every known log is looked at without a change notification
   * (default 10 s; 1 s where watching is not possible, e.g. no inotify left).
   */
  pollIntervalMs?: number;
  /** Called for each complete line that is not a valid event; it is skipped (one bad line never ends a stream). */
  onSkip?: (error: SessionLogLineError) => void;
}

/**
 * What a subscription reads from. The folder feed is the one implementation
 * today; a store (issue "Many machines, one store") plugs in here. `types`
 * and `providers` are hints a feed may use to filter early; the subscription
 * filters again, so a feed may ignore them.
 */
export interface SessionEventFeed {
  /** Fixes where every known session starts and begins watching. */
  start(): Promise<void>;
  /** The next event, waiting for one; null once aborted or closed. */
  next(): Promise<SessionStreamItem | null>;
  /** Stops watching; idempotent. A pending `next()` resolves with null. */
  close(): Promise<void>;
}

export interface FeedOptions {
  fromStart: boolean;
  signal?: AbortSignal;
  pollIntervalMs?: number;
  types?: ReadonlySet<string>;
  providers?: ReadonlySet<string>;
  onSkip?: (error: SessionLogLineError) => void;
}

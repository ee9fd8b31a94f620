import type { LogCompleteness, LogSourceKind } from './enums.js';
import type { AgentLogEvent } from './event.js';
import type { LogEventInput } from './kinds.js';

/** What a session is, as given to `SessionLogWriter.create` and the coordinator. */
export interface SessionLogMetadata {
  provider: string;
  wrapperSessionId: string;
  command: string;
  providerSessionId?: string | null;
  workspacePath?: string | null;
  model?: string | null;
  resumed?: boolean;
  backfilled?: boolean;
}

/**
 * The part of the writer that adapters see. `SessionLogWriter` implements it;
 * adapters depend on this interface, not on the writer module.
 */
export interface LogSink {
  readonly logPath: string;
  readonly providerSessionId: string | null;
  emit(sourceKind: LogSourceKind, event: LogEventInput): AgentLogEvent;
  setProviderSessionId(id: string | null): Promise<void>;
  setCompleteness(completeness: LogCompleteness): Promise<void>;
  addSourcePath(path: string): Promise<void>;
}

/** Tails a provider's own session files while the agent runs. */
export interface LiveLogAdapter {
  /** Reads whatever is new and emits it. Called by the coordinator's loop, never concurrently. */
  poll(writer: LogSink): Promise<void>;
  /** Called once when the session finishes; defaults to one last `poll`. */
  finalize?(writer: LogSink): Promise<void>;
  /** Files or folders whose changes should wake the loop early. May change between polls. */
  watchPaths?(): string[];
}

/** Where and when a live session runs, for finding the provider's files. */
export interface LiveLogContext {
  startedAt: Date;
  root?: string | null;
  providerSessionId?: string | null;
  workspacePath?: string | null;
  isWorktree?: boolean;
  /** Replaces the user's home directory when looking for the provider's files. */
  home?: string;
}

/** One historical session, produced lazily: `events` is only read if the runner imports it. */
export interface BackfilledSession {
  metadata: SessionLogMetadata;
  completeness: LogCompleteness;
  sourcePaths: string[];
  events: Iterable<[LogSourceKind, LogEventInput]> | AsyncIterable<[LogSourceKind, LogEventInput]>;
  /**
   * When the source session began and was last written (RFC 3339), known
   * once `events` has been read. The runner uses them for the index's
   * `started_at` and `ended_at`, so an imported session is listed at the time
   * it happened, not at the time of the import.
   */
  sourceTimes?: () => SourceTimes;
}

/** First and last record times of a provider session; either may be unknown. */
export interface SourceTimes {
  startedAt?: string;
  endedAt?: string;
}

/** A session's files, known before any of them is parsed. */
export interface BackfillCandidate {
  provider: string;
  sourcePaths: string[];
}

/** A file in a provider's folder that was not imported, and why (never skipped silently). */
export interface SkippedFile {
  path: string;
  reason: string;
}

export interface HistoricalBackfillOptions {
  signal?: AbortSignal;
  /**
   * Told about each file in the provider's folder that the adapter lists but
   * cannot read as a session (an unknown name, a file that is not a regular
   * file, ...). `runBackfill` lists them in its result's `skippedFiles`.
   * An adapter may report the same file more than once; the runner keeps one
   * entry per path.
   */
  onSkippedFile?: (file: SkippedFile) => void;
  /**
   * Whether a session of this key (`<provider>:<session id>`) was imported by
   * an earlier run. An adapter whose sessions can repeat an earlier session's
   * records (Claude Code's older resume layout) uses it to import them once.
   */
  imported?: (key: string) => boolean;
  /**
   * Asked before a candidate's files are opened; returning false skips the
   * session without parsing it. This is how `runBackfill` stays incremental.
   */
  filter?: (candidate: BackfillCandidate) => boolean | Promise<boolean>;
}

/** Turns a provider's history into sessions. */
export interface HistoricalLogAdapter {
  readonly provider: string;
  backfill(root?: string | null, options?: HistoricalBackfillOptions): AsyncIterable<BackfilledSession>;
}

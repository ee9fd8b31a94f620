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

/** Options of `LogSink.emit` / `SessionLogWriter.emit`. */
export interface EmitOptions {
  /**
   * The event's time, RFC 3339 with a zone (written as UTC with
   * milliseconds). Give it for an event made from a provider record, so the
   * log keeps when it happened; leave it out for the wrapper's own events,
   * which get the wall clock. A bad value is rejected (ERR_INVALID_EVENT).
   */
  ts?: string;
}

/**
 * An event of a backfilled session: source kind, event and, optionally, the
 * time of the provider record it was made from (RFC 3339). An event without
 * one takes the time of the nearest earlier event that has one (else the
 * nearest later one); see docs/time-semantics.md.
 */
export type BackfilledEvent = [LogSourceKind, LogEventInput, string?];

/**
 * The part of the writer that adapters see. `SessionLogWriter` implements it;
 * adapters depend on this interface, not on the writer module.
 */
export interface LogSink {
  readonly logPath: string;
  readonly providerSessionId: string | null;
  /** `options.ts`: the time of the provider record the event was made from (RFC 3339); default the wall clock. */
  emit(sourceKind: LogSourceKind, event: LogEventInput, options?: EmitOptions): AgentLogEvent;
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
  events: Iterable<BackfilledEvent> | AsyncIterable<BackfilledEvent>;
  /**
   * When the source session began and was last written (RFC 3339), known
   * once `events` has been read (the start may be asked as soon as the first
   * event is out). They widen the span of the events' own times: the
   * session_started and session_ended lines, and the index's `started_at` and
   * `ended_at`, are the first and last record times, never the import time.
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

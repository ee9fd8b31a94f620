import { SessionLogError } from '../errors.js';
import type { AgentLogEvent } from '../schema/event.js';
import type { LiveLogAdapter } from '../schema/adapters.js';
import type { WriterOptions } from '../writer/index.js';

/** Options of {@link SessionLogCoordinator.start}. Every field is optional. */
export interface SessionLogCoordinatorOptions {
  /**
   * Tails the provider's own session files while the agent runs. Without one,
   * the coordinator only writes session_started, heartbeats and session_ended
   * (plus whatever the embedding program emits through `writer`).
   */
  liveAdapter?: LiveLogAdapter | null;
  /**
   * Called for every event written to this session, starting with
   * session_started: it is registered before anything is written, so a
   * subscriber never misses the beginning. A subscriber that throws does not
   * break the writer.
   */
  onLogEvent?: (event: AgentLogEvent) => void;
  /** Where `sessions_index.json` lives, if the session should also be listed there. */
  globalIndexDir?: string | null;
  /**
   * Passed to `SessionLogWriter.create` (fsync policy, index updates, locks...).
   * `globalIndexDir` above wins over the one in here.
   */
  writerOptions?: WriterOptions;
  /**
   * Longest wait between two polls of the adapter, in ms (default 250, zag's
   * rate). Polls also run as soon as a watched file changes, so this is only
   * the fallback for changes the file watcher cannot see (watching failed,
   * network or FUSE filesystems that never report changes). The wait restarts
   * after each poll, so a poll that takes longer than the interval is not
   * followed by a second one straight away.
   */
  pollIntervalMs?: number;
  /**
   * Time between heartbeat events, in ms (default 10 000). A heartbeat tells a
   * reader that the session is still alive while the agent is quiet; its
   * `interval_secs` is this value in whole seconds, rounded.
   */
  heartbeatIntervalMs?: number;
  /**
   * Aborting it stops polling, file watching and heartbeats at once (a
   * provider_status records it). `finish` must still be called: it skips the
   * adapter's finalize (no more provider reads after an abort) and writes
   * session_ended. Already aborted at `start`: `start` rejects with ERR_ABORTED
   * and writes nothing.
   */
  signal?: AbortSignal;
  /**
   * How long `finish` waits for an in-flight poll and then for `finalize`, in
   * ms (default 30 000). An adapter that never settles (a hung network
   * filesystem) must not keep the session from ending: past this time the
   * coordinator records a provider_status and writes session_ended anyway.
   */
  finishTimeoutMs?: number;
}

/** The options with defaults applied and values checked. */
export interface ResolvedCoordinatorOptions {
  liveAdapter: LiveLogAdapter | null;
  onLogEvent: ((event: AgentLogEvent) => void) | null;
  globalIndexDir: string | null;
  writerOptions: WriterOptions;
  pollIntervalMs: number;
  heartbeatIntervalMs: number;
  signal: AbortSignal | null;
  finishTimeoutMs: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 250;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
export const DEFAULT_FINISH_TIMEOUT_MS = 30_000;

// Node's timers silently turn anything above 2^31-1 ms into 1 ms: a typo'd
// huge interval would become a busy loop instead of a long wait.
const MAX_TIMER_MS = 2 ** 31 - 1;

function interval(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new SessionLogError(
      'ERR_INVALID_OPTION',
      `${name} must be a number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${String(value)}`,
    );
  }
  return value;
}

/** Applies defaults; throws ERR_INVALID_OPTION for an interval that is not a usable timer delay. */
export function resolveCoordinatorOptions(options: SessionLogCoordinatorOptions = {}): ResolvedCoordinatorOptions {
  return {
    liveAdapter: options.liveAdapter ?? null,
    onLogEvent: options.onLogEvent ?? null,
    globalIndexDir: options.globalIndexDir ?? options.writerOptions?.globalIndexDir ?? null,
    writerOptions: options.writerOptions ?? {},
    pollIntervalMs: interval('pollIntervalMs', options.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS),
    heartbeatIntervalMs: interval('heartbeatIntervalMs', options.heartbeatIntervalMs, DEFAULT_HEARTBEAT_INTERVAL_MS),
    signal: options.signal ?? null,
    finishTimeoutMs: interval('finishTimeoutMs', options.finishTimeoutMs, DEFAULT_FINISH_TIMEOUT_MS),
  };
}

/** `interval_secs` of a heartbeat: the interval in whole seconds, rounded. */
export function heartbeatSeconds(intervalMs: number): number {
  return Math.round(intervalMs / 1000);
}

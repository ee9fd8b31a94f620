import { SessionLogError } from '../errors.js';
import type { LiveLogAdapter, SessionLogMetadata } from '../schema/adapters.js';
import { SessionLogWriter } from '../writer/index.js';
import { errorCode, errorText, FaultReporter } from './fault-reporter.js';
import {
  heartbeatSeconds,
  resolveCoordinatorOptions,
  type ResolvedCoordinatorOptions,
  type SessionLogCoordinatorOptions,
} from './options.js';
import { PathWatcher } from './path-watcher.js';
import { loadChokidar } from '../lazy-deps.js';
import { settleWithin } from './settle.js';
import { WakeRunner } from './wake-runner.js';

const CLOSED_WITHOUT_FINISH = 'session closed before finish() was called';

/**
 * Owns one live session log: writes session_started, keeps the provider's
 * files tailed through a {@link LiveLogAdapter} and heartbeats going while the
 * agent runs, and ends the log with exactly one session_ended.
 *
 * Everything (adapter events, the embedding program's `writer.emit` calls,
 * heartbeats, fault reports) goes through the one `writer`, so `seq` order is
 * the order of writing. Timers and the file watcher never keep the process
 * alive on their own: the coordinator rides along with whatever the embedding
 * program is waiting for (usually the agent's child process).
 */
export class SessionLogCoordinator implements AsyncDisposable {
  /** The session's writer: emit the wrapper's own events here. */
  readonly writer: SessionLogWriter;
  readonly #options: ResolvedCoordinatorOptions;
  readonly #adapter: LiveLogAdapter | null;
  readonly #faults: FaultReporter;
  readonly #runner: WakeRunner | null;
  readonly #watcher: PathWatcher | null;
  #heartbeat: NodeJS.Timeout | null = null;
  #watchSynced = false;
  #aborted = false;
  #finishing: Promise<void> | null = null;
  readonly #onAbort = (): void => this.#abort();

  private constructor(writer: SessionLogWriter, options: ResolvedCoordinatorOptions) {
    this.writer = writer;
    this.#options = options;
    this.#adapter = options.liveAdapter;
    this.#faults = new FaultReporter((message, data) => {
      writer.emit('wrapper', { type: 'provider_status', message, data });
    });
    const adapter = this.#adapter;
    this.#runner = adapter
      ? new WakeRunner(() => this.#pollOnce(adapter), {
          idleWakeMs: options.pollIntervalMs,
          onError: (err) => this.#faults.report('poll', err),
        })
      : null;
    this.#watcher = adapter?.watchPaths
      ? new PathWatcher({
          onWake: () => this.#runner?.wake(),
          onFailure: (err) => this.#watchFailed(err),
        })
      : null;
  }

  /**
   * Creates the writer, subscribes `options.onLogEvent`, writes
   * session_started (source `backfill` when `metadata.backfilled`, else
   * `wrapper`), then starts polling and heartbeats, in that order.
   */
  static async start(
    logsDir: string,
    metadata: SessionLogMetadata,
    options: SessionLogCoordinatorOptions = {},
  ): Promise<SessionLogCoordinator> {
    const resolved = resolveCoordinatorOptions(options);
    if (resolved.signal?.aborted) {
      throw new SessionLogError('ERR_ABORTED', 'live capture was aborted before it started');
    }
    // A session that watches files loads the watcher's package now, beside the writer: its
    // first watch may come when descriptors are short, and a failed load must fail here.
    const [writer] = await Promise.all([
      SessionLogWriter.create(logsDir, metadata, {
        ...resolved.writerOptions,
        globalIndexDir: resolved.globalIndexDir,
      }),
      resolved.liveAdapter?.watchPaths ? loadChokidar() : undefined,
    ]);
    try {
      if (resolved.onLogEvent) writer.onLogEvent(resolved.onLogEvent);
      writer.emit(metadata.backfilled ? 'backfill' : 'wrapper', {
        type: 'session_started',
        command: metadata.command,
        model: metadata.model ?? null,
        cwd: metadata.workspacePath ?? null,
        resumed: metadata.resumed ?? false,
        backfilled: metadata.backfilled ?? false,
      });
    } catch (err) {
      await writer.close().catch(() => undefined);
      throw err;
    }
    const coordinator = new SessionLogCoordinator(writer, resolved);
    coordinator.#startLoop();
    return coordinator;
  }

  /**
   * What the file watcher watches right now: each of the adapter's
   * `watchPaths()`, or its nearest existing folder while it does not exist.
   * Empty without an adapter that has watch paths, and after watching failed.
   */
  get watching(): readonly string[] {
    return this.#watcher?.targets ?? [];
  }

  /**
   * Ends the session: stops the loop and heartbeats, waits for a poll in
   * flight, lets the adapter finalize exactly once (one last `poll` if it has
   * no `finalize`; skipped after an abort), then writes exactly one
   * session_ended and closes the writer. Adapter failures are recorded, never
   * thrown; it rejects only if the log itself cannot be written. Calling it
   * again returns the same promise.
   */
  finish(success: boolean, error?: string | null): Promise<void> {
    this.#finishing ??= this.#finish(success, error ?? null);
    return this.#finishing;
  }

  /**
   * Same as `finish(false, 'session closed before finish() was called')` when
   * `finish` was not called; otherwise waits for it (without rethrowing its
   * error, which `finish`'s caller already got). Idempotent.
   */
  close(): Promise<void> {
    if (this.#finishing) return this.#finishing.catch(() => undefined);
    return this.finish(false, CLOSED_WITHOUT_FINISH);
  }

  /** `await using c = await SessionLogCoordinator.start(...)`: same as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #startLoop(): void {
    const { signal, heartbeatIntervalMs } = this.#options;
    this.#heartbeat = setInterval(() => this.#beat(), heartbeatIntervalMs);
    this.#heartbeat.unref();
    this.#runner?.wake();
    if (signal) {
      signal.addEventListener('abort', this.#onAbort, { once: true });
      // It may have been aborted while the writer was being created.
      if (signal.aborted) this.#abort();
    }
  }

  async #pollOnce(adapter: LiveLogAdapter): Promise<void> {
    // Files the adapter already knows are watched before the first read, so a
    // write during that read wakes the next one.
    if (!this.#watchSynced) await this.#syncWatch(adapter);
    try {
      await adapter.poll(this.writer);
    } finally {
      // After every poll: the adapter may just have discovered its file.
      await this.#syncWatch(adapter);
    }
  }

  async #syncWatch(adapter: LiveLogAdapter): Promise<void> {
    this.#watchSynced = true;
    if (!this.#watcher || !adapter.watchPaths) return;
    let paths: string[];
    try {
      paths = adapter.watchPaths();
    } catch (err) {
      this.#faults.report('watch_paths', err);
      return;
    }
    await this.#watcher.sync(paths);
  }

  #beat(): void {
    try {
      this.writer.emit('wrapper', {
        type: 'heartbeat',
        interval_secs: heartbeatSeconds(this.#options.heartbeatIntervalMs),
      });
    } catch (err) {
      this.#faults.report('heartbeat', err);
    }
  }

  #watchFailed(err: Error): void {
    this.#status(
      `file watching failed (${errorText(err)}); polling every ${this.#options.pollIntervalMs} ms instead`,
      { source: 'watcher', error: errorText(err), error_code: errorCode(err), poll_interval_ms: this.#options.pollIntervalMs },
    );
    // Whatever changed while the watch was dying is read now, not a timer later.
    this.#runner?.wake();
  }

  #abort(): void {
    if (this.#aborted || this.#finishing) return;
    this.#aborted = true;
    void this.#stopLoop();
    const reason = this.#options.signal?.reason;
    this.#status('live capture stopped: the signal was aborted', {
      source: 'abort',
      reason: reason === undefined ? null : errorText(reason),
    });
  }

  /** Stops timers, the runner and the watcher; resolves once a poll in flight has ended. */
  #stopLoop(): Promise<void> {
    if (this.#heartbeat) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = null;
    }
    const closing = this.#watcher?.close() ?? Promise.resolve();
    const idle = this.#runner?.stop() ?? Promise.resolve();
    return Promise.all([closing, idle]).then(() => undefined);
  }

  async #finish(success: boolean, error: string | null): Promise<void> {
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    const adapter = this.#adapter;
    const { finishTimeoutMs } = this.#options;
    const stopped = await settleWithin(this.#stopLoop(), finishTimeoutMs);
    if (!stopped) {
      this.#status(`live adapter poll still running after ${finishTimeoutMs} ms; ending the session without it`, {
        source: 'poll',
        timeout_ms: finishTimeoutMs,
      });
    } else if (adapter && !this.#aborted) {
      await this.#finalize(adapter, finishTimeoutMs);
    }
    this.#faults.flush();
    try {
      await this.writer.finish(success, error);
    } finally {
      await this.writer.close();
    }
  }

  async #finalize(adapter: LiveLogAdapter, timeoutMs: number): Promise<void> {
    const run = async (): Promise<void> => {
      if (adapter.finalize) await adapter.finalize(this.writer);
      else await adapter.poll(this.writer);
    };
    const outcome = run().then(
      () => undefined,
      (err: unknown) => this.#faults.report('finalize', err),
    );
    if (!(await settleWithin(outcome, timeoutMs))) {
      this.#status(`live adapter finalize still running after ${timeoutMs} ms; ending the session without it`, {
        source: 'finalize',
        timeout_ms: timeoutMs,
      });
    }
  }

  #status(message: string, data: Record<string, string | number | null>): void {
    try {
      this.writer.emit('wrapper', { type: 'provider_status', message, data });
    } catch {
      // The log itself is failing; finish() will surface that when it writes session_ended.
    }
  }
}

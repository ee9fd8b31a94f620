/** Options of {@link WakeRunner}. */
export interface WakeRunnerOptions {
  /**
   * After a run, wake again on its own when nothing else has for this long
   * (ms). The countdown starts when a run ends, so the task never runs
   * back-to-back just because it was slow.
   */
  idleWakeMs: number;
  /** Receives whatever the task throws; the runner keeps going. */
  onError: (err: unknown) => void;
}

/**
 * Runs an async task on demand: never two runs at once, and any number of
 * wake-ups that arrive while a run is queued or in flight fold into one more
 * run. A wake that arrives during a run still gets a run after it, because the
 * change that caused it may have happened after the running task looked.
 *
 * Runs start on `setImmediate`, so a burst of synchronous wake-ups (one write
 * seen by several watchers) costs one run. The idle timer is unref'd: a
 * waiting runner never keeps the process alive by itself.
 */
export class WakeRunner {
  readonly #task: () => Promise<void>;
  readonly #options: WakeRunnerOptions;
  #immediate: NodeJS.Immediate | null = null;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  #runs = 0;

  constructor(task: () => Promise<void>, options: WakeRunnerOptions) {
    this.#task = task;
    this.#options = options;
  }

  /** How many runs have started. */
  get runs(): number {
    return this.#runs;
  }

  /** True while a run is in flight. */
  get running(): boolean {
    return this.#inFlight !== null;
  }

  /** True once `stop` was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Asks for a run as soon as possible (folded into a queued or following one). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    if (this.#immediate) return;
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      this.#run();
    });
  }

  /**
   * Stops for good: no new runs, no timer. Resolves once a run that was in
   * flight has ended (its errors already went to `onError`).
   */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#again = false;
    this.#clearTimer();
    if (this.#immediate) {
      clearImmediate(this.#immediate);
      this.#immediate = null;
    }
    return this.#inFlight ?? Promise.resolve();
  }

  #run(): void {
    if (this.#stopped) return;
    this.#runs += 1;
    this.#inFlight = this.#guarded().then(() => {
      this.#inFlight = null;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else {
        this.#armTimer();
      }
    });
  }

  async #guarded(): Promise<void> {
    try {
      await this.#task();
    } catch (err) {
      try {
        this.#options.onError(err);
      } catch {
        // An error handler that fails must not stop the loop or leave a rejection unhandled.
      }
    }
  }

  // One Timeout for the runner's whole life, re-armed with refresh(): an idle
  // loop ticks several times a second for hours, so each tick should cost as
  // little as possible. A tick that finds a run queued or in flight does
  // nothing; the end of that run re-arms the countdown.
  #armTimer(): void {
    if (this.#timer) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => this.#tick(), this.#options.idleWakeMs);
    this.#timer.unref();
  }

  #tick(): void {
    // Already its own macrotask: nothing to coalesce, so no setImmediate hop.
    if (this.#stopped || this.#inFlight || this.#immediate) return;
    this.#run();
  }

  #clearTimer(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }
}

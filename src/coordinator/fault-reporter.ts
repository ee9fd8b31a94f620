/** Which step of live capture failed. */
export type FaultSource = 'poll' | 'finalize' | 'watch_paths' | 'heartbeat';

/** The `data` of a provider_status written for a fault (snake_case: it goes to disk). */
export interface FaultData {
  source: FaultSource;
  error: string;
  error_code: string | null;
  /**
   * Occurrences of this same error that were not written one by one since the
   * previous event about it. Every event without `summary` is itself one
   * occurrence, so total occurrences = events without summary + sum of repeats.
   */
  repeats: number;
  summary: boolean;
}

export interface FaultReporterOptions {
  /**
   * After an error is written, the same error (same source, same text) is only
   * counted for this long (ms, default 60 000); the next one after that is
   * written again with the count. A poll that fails every 250 ms would
   * otherwise write 240 identical lines a minute.
   */
  repeatWindowMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface KeyState {
  windowStart: number;
  suppressed: number;
  message: string;
  data: Omit<FaultData, 'repeats' | 'summary'>;
}

// Distinct error texts kept for rate limiting. Errors whose text varies each
// time (offsets, timestamps) would otherwise grow the map without bound.
const MAX_KEYS = 64;
// One line of the log should stay readable even if an adapter throws a megabyte.
const MAX_ERROR_CHARS = 2000;

/** The text a fault is known by: `Name: message`, or just the message for plain `Error`s. */
export function errorText(err: unknown): string {
  let text: string;
  if (err instanceof Error) {
    text = err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  } else {
    text = String(err);
  }
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/** The `code` of a Node system error or a SessionLogError, if there is one. */
export function errorCode(err: unknown): string | null {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

const LABEL: Record<FaultSource, string> = {
  poll: 'live adapter poll failed',
  finalize: 'live adapter finalize failed',
  watch_paths: 'live adapter watchPaths() failed',
  heartbeat: 'heartbeat failed',
};

/**
 * Turns errors thrown by a live adapter into provider_status events, writing
 * the same error at most once per window and reporting how often it repeated.
 * Writing never throws: if even that fails (the log is gone), there is nowhere
 * left to say so, and the host process must not crash over it.
 */
export class FaultReporter {
  readonly #write: (message: string, data: FaultData) => void;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #keys = new Map<string, KeyState>();

  constructor(write: (message: string, data: FaultData) => void, options: FaultReporterOptions = {}) {
    this.#write = write;
    this.#windowMs = options.repeatWindowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Records one occurrence of `err` from `source`. */
  report(source: FaultSource, err: unknown): void {
    const error = errorText(err);
    const key = `${source}\u0000${error}`;
    const now = this.#now();
    const state = this.#keys.get(key);
    if (!state) {
      const data = { source, error, error_code: errorCode(err) };
      const message = `${LABEL[source]}: ${error}`;
      this.#keys.set(key, { windowStart: now, suppressed: 0, message, data });
      this.#trim();
      this.#emit(message, { ...data, repeats: 0, summary: false });
      return;
    }
    if (now - state.windowStart < this.#windowMs) {
      state.suppressed += 1;
      return;
    }
    const repeats = state.suppressed;
    state.windowStart = now;
    state.suppressed = 0;
    const suffix = repeats > 0 ? ` (and ${repeats} more ${times(repeats)} since it was last reported)` : '';
    this.#emit(state.message + suffix, { ...state.data, repeats, summary: false });
  }

  /** Writes the count of every error that repeated since it was last written (at finish). */
  flush(): void {
    for (const state of this.#keys.values()) this.#flushOne(state);
  }

  #flushOne(state: KeyState): void {
    if (state.suppressed === 0) return;
    const repeats = state.suppressed;
    state.suppressed = 0;
    this.#emit(`${state.message} (repeated ${repeats} more ${times(repeats)})`, {
      ...state.data,
      repeats,
      summary: true,
    });
  }

  #trim(): void {
    while (this.#keys.size > MAX_KEYS) {
      const oldest = this.#keys.entries().next().value;
      if (!oldest) return;
      this.#flushOne(oldest[1]);
      this.#keys.delete(oldest[0]);
    }
  }

  #emit(message: string, data: FaultData): void {
    try {
      this.#write(message, data);
    } catch {
      // See the class comment: a log that cannot be written cannot report that either.
    }
  }
}

function times(n: number): string {
  return n === 1 ? 'time' : 'times';
}

import type { LogEventInput } from '../../schema/index.js';
import { count, obj } from '../shared/index.js';

interface Counts {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

const ZERO: Counts = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };

/** Reads an Anthropic `usage` object; undefined when there is none. */
export function usageCounts(usage: unknown): Counts | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  return {
    input: count(u.input_tokens),
    output: count(u.output_tokens),
    cacheRead: count(u.cache_read_input_tokens),
    cacheCreation: count(u.cache_creation_input_tokens),
  };
}

const max = (a: Counts, b: Counts): Counts => ({
  input: Math.max(a.input, b.input),
  output: Math.max(a.output, b.output),
  cacheRead: Math.max(a.cacheRead, b.cacheRead),
  cacheCreation: Math.max(a.cacheCreation, b.cacheCreation),
});

/**
 * One usage event per API message. Claude writes one line per content block,
 * each repeating the message's usage, and early blocks may hold a partial
 * `output_tokens`; so counts are held while lines of the same message keep
 * coming and emitted (the largest seen) once another line arrives or the
 * input ends. A block line that turns up after its message was emitted only
 * adds the growth (a delta), so no message is ever counted twice.
 */
export class UsageTracker {
  #key: string | undefined;
  #pending: Counts = ZERO;
  #model: string | undefined;
  readonly #emitted = new Map<string, Counts>();

  /** Notes the usage of one block line of message `key`; may complete the previous message. */
  observe(key: string, counts: Counts, model?: string): LogEventInput | undefined {
    if (key === this.#key) {
      this.#pending = max(this.#pending, counts);
      this.#model ??= model;
      return undefined;
    }
    const done = this.flush();
    this.#key = key;
    this.#pending = counts;
    this.#model = model;
    return done;
  }

  /** Emits the held message's usage, if any. */
  flush(): LogEventInput | undefined {
    const key = this.#key;
    if (key === undefined) return undefined;
    this.#key = undefined;
    const before = this.#emitted.get(key) ?? ZERO;
    const after = max(before, this.#pending);
    this.#pending = ZERO;
    const delta: Counts = {
      input: after.input - before.input,
      output: after.output - before.output,
      cacheRead: after.cacheRead - before.cacheRead,
      cacheCreation: after.cacheCreation - before.cacheCreation,
    };
    this.#emitted.set(key, after);
    if (delta.input + delta.output + delta.cacheRead + delta.cacheCreation === 0) return undefined;
    return {
      type: 'usage',
      input_tokens: delta.input,
      output_tokens: delta.output,
      cache_read_tokens: delta.cacheRead,
      cache_creation_tokens: delta.cacheCreation,
      // The message's model prices these tokens (usage reports group by it).
      ...(this.#model !== undefined ? { model: this.#model } : {}),
    };
  }
}

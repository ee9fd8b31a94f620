import type { LogEventInputOf } from '../../schema/index.js';
import { count, num, obj, str } from '../shared/index.js';

/** One Codex usage object, OpenAI semantics (input includes cached, output includes reasoning). */
interface Tokens {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  total: number;
}

const ZERO: Tokens = { input: 0, cached: 0, cacheWrite: 0, output: 0, total: 0 };

function readTokens(v: unknown): Tokens | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const input = count(o.input_tokens);
  const output = count(o.output_tokens);
  return {
    input,
    cached: count(o.cached_input_tokens),
    cacheWrite: count(o.cache_write_input_tokens),
    output,
    total: num(o.total_tokens) !== undefined ? count(o.total_tokens) : input + output,
  };
}

const minus = (a: Tokens, b: Tokens): Tokens => ({
  input: Math.max(0, a.input - b.input),
  cached: Math.max(0, a.cached - b.cached),
  cacheWrite: Math.max(0, a.cacheWrite - b.cacheWrite),
  output: Math.max(0, a.output - b.output),
  total: Math.max(0, a.total - b.total),
});

const plus = (a: Tokens, b: Tokens): Tokens => ({
  input: a.input + b.input,
  cached: a.cached + b.cached,
  cacheWrite: a.cacheWrite + b.cacheWrite,
  output: a.output + b.output,
  total: a.total + b.total,
});

/**
 * The wire `usage` event. `input_tokens` is the NON-cached input (OpenAI's
 * `input_tokens` minus `cached_input_tokens`) so that, as for every other
 * provider, input + cache_read is what the model read; `output_tokens` keeps
 * reasoning tokens (they are billed as output).
 */
function usageEvent(t: Tokens): LogEventInputOf<'usage'> {
  const event: LogEventInputOf<'usage'> = {
    type: 'usage',
    input_tokens: Math.max(0, t.input - t.cached),
    output_tokens: t.output,
  };
  if (t.cached > 0) event.cache_read_tokens = t.cached;
  if (t.cacheWrite > 0) event.cache_creation_tokens = t.cacheWrite;
  return event;
}

const isEmpty = (t: Tokens) => t.input === 0 && t.output === 0 && t.cached === 0 && t.cacheWrite === 0;

/**
 * Token accounting: one `usage` event per API response, never a cumulative sum.
 *
 * Sources, all for the same responses: `token_usage_record` (0.17x, one per
 * response, with `response_id`) and `event_msg token_count` (every version;
 * `last_token_usage` for the response, `total_token_usage` cumulative for the
 * thread, often re-sent unchanged, e.g. at turn start and after compaction).
 * The tracker keeps the cumulative total it has already accounted for:
 * - a `token_usage_record` with an unseen `response_id` is emitted and moves
 *   the accounted total to its `thread_token_usage`;
 * - a `token_count` only emits the part of `total_token_usage` not yet
 *   accounted for (normally exactly `last_token_usage`); an unchanged total is a
 *   repeat and emits nothing; a total that went DOWN means the counter restarted
 *   (a new process), so its `last_token_usage` is emitted and the total adopted.
 * The emitted events therefore always sum to the file's final cumulative total.
 */
export class UsageTracker {
  #accounted: Tokens = ZERO;
  readonly #responses = new Set<string>();

  /** `token_usage_record` (0.17x). */
  onRecord(payload: Record<string, unknown>): LogEventInputOf<'usage'>[] {
    const id = str(payload.response_id);
    if (id !== undefined) {
      if (this.#responses.has(id)) return [];
      this.#responses.add(id);
    }
    const usage = readTokens(payload.usage);
    const thread = readTokens(payload.thread_token_usage);
    if (!usage) {
      if (thread && thread.total > this.#accounted.total) return this.#advanceTo(thread);
      return [];
    }
    this.#accounted = thread ?? plus(this.#accounted, usage);
    return isEmpty(usage) ? [] : [usageEvent(usage)];
  }

  /** `event_msg token_count`: `info` may be null (rate limits only). */
  onTokenCount(payload: Record<string, unknown>): LogEventInputOf<'usage'>[] {
    const info = obj(payload.info);
    if (!info) {
      // Early 2025 versions wrote the usage object itself as the payload.
      const bare = payload.input_tokens !== undefined ? readTokens(payload) : undefined;
      return bare && !isEmpty(bare) ? [usageEvent(bare)] : [];
    }
    const total = readTokens(info.total_token_usage);
    const last = readTokens(info.last_token_usage);
    if (!total) return last && !isEmpty(last) ? [usageEvent(last)] : [];
    if (total.total === this.#accounted.total) return [];
    if (total.total < this.#accounted.total) {
      this.#accounted = total;
      return last && !isEmpty(last) ? [usageEvent(last)] : [];
    }
    return this.#advanceTo(total);
  }

  #advanceTo(total: Tokens): LogEventInputOf<'usage'>[] {
    const delta = minus(total, this.#accounted);
    this.#accounted = total;
    return isEmpty(delta) ? [] : [usageEvent(delta)];
  }
}

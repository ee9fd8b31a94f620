import type { LogEventInputOf } from '../../schema/index.js';
import { count, obj, str } from '../shared/index.js';

/** Token counts in Copilot's own convention: `input` is the whole prompt, cache reads included. */
export interface CopilotTokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const ZERO: CopilotTokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
const FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

/** Token counts are u64 on the wire; JSON numbers beyond 2^53 are clamped, never an invalid event. */
const capped = (n: number): number => Math.min(n, Number.MAX_SAFE_INTEGER);
const tokens = (v: unknown): number => capped(count(v));

/** Reads `{inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens}`. */
export function readTokens(v: unknown): CopilotTokens {
  const o = obj(v) ?? {};
  return {
    input: tokens(o.inputTokens),
    output: tokens(o.outputTokens),
    cacheRead: tokens(o.cacheReadTokens),
    cacheWrite: tokens(o.cacheWriteTokens),
  };
}

/**
 * Which usage source wins, and why nothing is counted twice.
 *
 * Copilot persists token counts in three places:
 * 1. `session.usage_record` (1.0.102+): one per API call, sub-agents included.
 *    This is the primary source.
 * 2. `assistant.message.outputTokens` (older 1.0.x): output only, per message.
 *    A fallback for files without usage records.
 * 3. `session.shutdown.modelMetrics`: totals that are cumulative across
 *    resumes of the same file. Never summed.
 *
 * Sources 1 and 2 are keyed by `apiCallId`: whichever arrives second only adds
 * what the first did not already count (the larger value wins per field). An
 * `outputTokens` without an `apiCallId` is ignored once any usage record has
 * been seen (the file then has per-call records). At each shutdown, the
 * cumulative totals are compared with everything emitted so far and only a
 * positive difference is emitted ("top-up"): with usage records that
 * difference is 0; for older files it recovers the input tokens that no
 * per-call record carried. A shutdown can therefore only add what is missing,
 * never double count, and a shutdown whose totals are lower (a version that
 * resets them on resume) adds nothing.
 *
 * Emitted `usage` events follow the Anthropic convention used across this
 * library: `input_tokens` excludes cache reads (`inputTokens - cacheReadTokens`),
 * so `input_tokens + cache_read_tokens` is the whole prompt. Copilot's `cost`
 * is a premium-request multiplier, not US dollars, so `total_cost_usd` is
 * never set.
 */
export class UsageLedger {
  readonly #byCall = new Map<string, CopilotTokens>();
  #total: CopilotTokens = { ...ZERO };
  #sawRecords = false;

  /** A `session.usage_record`'s `usage` object. */
  fromRecord(usage: Record<string, unknown>, callKey: string | undefined): LogEventInputOf<'usage'> | undefined {
    this.#sawRecords = true;
    return named(this.#add(readTokens(usage), callKey), str(usage.model));
  }

  /** An `assistant.message`'s `outputTokens`. */
  fromMessageOutput(outputTokens: number, callKey: string | undefined, model?: string): LogEventInputOf<'usage'> | undefined {
    if (callKey === undefined && this.#sawRecords) return undefined;
    return named(this.#add({ ...ZERO, output: tokens(outputTokens) }, callKey), model);
  }

  /** A `session.shutdown`'s `modelMetrics` (cumulative): emits only what is still missing. */
  fromShutdown(modelMetrics: unknown): LogEventInputOf<'usage'> | undefined {
    const metrics = obj(modelMetrics);
    if (!metrics) return undefined;
    const sum = { ...ZERO };
    for (const m of Object.values(metrics)) {
      const t = readTokens(obj(m)?.usage);
      for (const f of FIELDS) sum[f] = capped(sum[f] + t[f]);
    }
    const delta = { ...ZERO };
    for (const f of FIELDS) delta[f] = Math.max(0, sum[f] - this.#total[f]);
    for (const f of FIELDS) this.#total[f] = capped(this.#total[f] + delta[f]);
    // The top-up can only be priced when the totals name a single model.
    const models = Object.keys(metrics);
    return named(toEvent(delta), models.length === 1 ? models[0] : undefined);
  }

  /** Everything emitted so far, in Copilot's convention. */
  get total(): Readonly<CopilotTokens> {
    return this.#total;
  }

  #add(t: CopilotTokens, callKey: string | undefined): LogEventInputOf<'usage'> | undefined {
    let delta = t;
    if (callKey !== undefined) {
      const prev = this.#byCall.get(callKey) ?? ZERO;
      delta = { ...ZERO };
      const kept = { ...prev };
      for (const f of FIELDS) {
        delta[f] = Math.max(0, t[f] - prev[f]);
        kept[f] = Math.max(prev[f], t[f]);
      }
      this.#byCall.set(callKey, kept);
    }
    for (const f of FIELDS) this.#total[f] = capped(this.#total[f] + delta[f]);
    return toEvent(delta);
  }
}

function named(e: LogEventInputOf<'usage'> | undefined, model: string | undefined): LogEventInputOf<'usage'> | undefined {
  if (e && model !== undefined && model !== '') e.model = model;
  return e;
}

function toEvent(d: CopilotTokens): LogEventInputOf<'usage'> | undefined {
  if (d.input === 0 && d.output === 0 && d.cacheRead === 0 && d.cacheWrite === 0) return undefined;
  const event: LogEventInputOf<'usage'> = {
    type: 'usage',
    input_tokens: Math.max(0, d.input - d.cacheRead),
    output_tokens: d.output,
  };
  if (d.cacheRead > 0) event.cache_read_tokens = d.cacheRead;
  if (d.cacheWrite > 0) event.cache_creation_tokens = d.cacheWrite;
  return event;
}

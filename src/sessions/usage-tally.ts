import { priceTokens, type PriceTable, type UsageTokens } from './prices.js';

/** Token totals and their cost. */
export interface UsageTotals {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
  /** The four counts added up. */
  total_tokens: number;
  /**
   * US dollars: the provider's own figure where its record has one, else the
   * price table's. null when none of the tokens could be priced (unknown
   * model); see `unpriced_tokens` for a partial figure.
   */
  cost_usd: number | null;
  /** Tokens whose model is unknown to the price table and that carried no cost of their own. */
  unpriced_tokens: number;
}

/** The fields of a usage event this module reads (a parsed line, not validated by zod: speed). */
export interface UsageRecord {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_tokens?: unknown;
  cache_creation_tokens?: unknown;
  total_cost_usd?: unknown;
  model?: unknown;
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Reads one usage event's tokens and cost; the cost is undefined when it cannot be known. */
export function usageOf(e: UsageRecord, sessionModel: string | undefined, prices: PriceTable): { tokens: UsageTokens; model: string | undefined; cost: number | undefined } {
  const tokens = {
    input_tokens: n(e.input_tokens),
    output_tokens: n(e.output_tokens),
    cache_read_tokens: n(e.cache_read_tokens),
    cache_creation_tokens: n(e.cache_creation_tokens),
  };
  const model = typeof e.model === 'string' && e.model !== '' ? e.model : sessionModel;
  const own = typeof e.total_cost_usd === 'number' && Number.isFinite(e.total_cost_usd) ? e.total_cost_usd : undefined;
  return { tokens, model, cost: own ?? priceTokens(prices, model, tokens) };
}

/** Adds usage up. */
export class UsageTally {
  input = 0;
  output = 0;
  cacheRead = 0;
  cacheCreation = 0;
  cost = 0;
  priced = 0;
  unpriced = 0;

  add(tokens: UsageTokens, cost: number | undefined): void {
    this.input += tokens.input_tokens;
    this.output += tokens.output_tokens;
    this.cacheRead += tokens.cache_read_tokens;
    this.cacheCreation += tokens.cache_creation_tokens;
    const all = tokens.input_tokens + tokens.output_tokens + tokens.cache_read_tokens + tokens.cache_creation_tokens;
    if (cost === undefined) {
      this.unpriced += all;
    } else {
      this.cost += cost;
      this.priced += 1;
    }
  }

  merge(other: UsageTally): void {
    this.input += other.input;
    this.output += other.output;
    this.cacheRead += other.cacheRead;
    this.cacheCreation += other.cacheCreation;
    this.cost += other.cost;
    this.priced += other.priced;
    this.unpriced += other.unpriced;
  }

  totals(): UsageTotals {
    return {
      input_tokens: this.input,
      output_tokens: this.output,
      cache_read_tokens: this.cacheRead,
      cache_creation_tokens: this.cacheCreation,
      total_tokens: this.input + this.output + this.cacheRead + this.cacheCreation,
      // Rounded to micro-dollars: sums of many float products otherwise print as 0.30000000000000004.
      cost_usd: this.priced > 0 || this.unpriced === 0 ? Math.round(this.cost * 1e6) / 1e6 : null,
      unpriced_tokens: this.unpriced,
    };
  }
}

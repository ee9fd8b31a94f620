import { SessionLogError } from '../errors.js';

/** US dollars per million tokens. */
export interface TokenPrices {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

/** One model's prices; `above_200k` applies to a request whose prompt exceeds 200,000 tokens. */
export interface ModelPrices extends TokenPrices {
  above_200k?: TokenPrices;
}

/** A dated price table: `models` keyed by model name (see {@link findModelPrices} for name matching). */
export interface PriceTable {
  /** The date the prices were taken from the providers' price pages (YYYY-MM-DD). */
  as_of: string;
  models: Readonly<Record<string, ModelPrices>>;
}

const p = (input: number, output: number, cache_read: number, cache_write: number, above?: TokenPrices): ModelPrices => ({
  input,
  output,
  cache_read,
  cache_write,
  ...(above ? { above_200k: above } : {}),
});
const t = (input: number, output: number, cache_read: number, cache_write: number): TokenPrices => ({ input, output, cache_read, cache_write });

/**
 * List prices (standard tier, no batch discount) per million tokens. Cache
 * writes are Anthropic's 5-minute writes; OpenAI and Google bill no separate
 * cache write, so it is the input price. Copilot is billed per premium
 * request, not per token: its rows price the same tokens at the model
 * maker's API prices (what the tokens would cost at the API).
 */
export const BUNDLED_PRICES: PriceTable = {
  as_of: '2025-11-24',
  models: {
    'claude-opus-4-5': p(5, 25, 0.5, 6.25),
    'claude-opus-4-1': p(15, 75, 1.5, 18.75),
    'claude-opus-4': p(15, 75, 1.5, 18.75),
    'claude-sonnet-4-5': p(3, 15, 0.3, 3.75, t(6, 22.5, 0.6, 7.5)),
    'claude-sonnet-4': p(3, 15, 0.3, 3.75, t(6, 22.5, 0.6, 7.5)),
    'claude-3-7-sonnet': p(3, 15, 0.3, 3.75),
    'claude-3-5-sonnet': p(3, 15, 0.3, 3.75),
    'claude-haiku-4-5': p(1, 5, 0.1, 1.25),
    'claude-3-5-haiku': p(0.8, 4, 0.08, 1),
    'claude-3-opus': p(15, 75, 1.5, 18.75),
    'claude-3-haiku': p(0.25, 1.25, 0.03, 0.3),
    'gpt-5.1': p(1.25, 10, 0.125, 1.25),
    'gpt-5.1-codex': p(1.25, 10, 0.125, 1.25),
    'gpt-5.1-codex-max': p(1.25, 10, 0.125, 1.25),
    'gpt-5.1-codex-mini': p(0.25, 2, 0.025, 0.25),
    'gpt-5': p(1.25, 10, 0.125, 1.25),
    'gpt-5-codex': p(1.25, 10, 0.125, 1.25),
    'gpt-5-mini': p(0.25, 2, 0.025, 0.25),
    'gpt-5-nano': p(0.05, 0.4, 0.005, 0.05),
    'gpt-4.1': p(2, 8, 0.5, 2),
    'gpt-4.1-mini': p(0.4, 1.6, 0.1, 0.4),
    'gpt-4o': p(2.5, 10, 1.25, 2.5),
    'o3': p(2, 8, 0.5, 2),
    'o4-mini': p(1.1, 4.4, 0.275, 1.1),
    'gemini-3-pro-preview': p(2, 12, 0.2, 2, t(4, 18, 0.4, 4)),
    'gemini-2.5-pro': p(1.25, 10, 0.125, 1.25, t(2.5, 15, 0.25, 2.5)),
    'gemini-2.5-flash': p(0.3, 2.5, 0.03, 0.3),
    'gemini-2.5-flash-lite': p(0.1, 0.4, 0.01, 0.1),
  },
};

/**
 * The prices of a model, or undefined (the cost is then unknown, never
 * guessed). Tries the name as written, then without a route prefix
 * (`anthropic/`, `models/`, `converse/`), a cloud region and vendor
 * (`jp.anthropic.`), a version tag (`-v1:0`), a `[1m]` context tag, a date
 * (`-20250929`, `@20250929`) or `-latest`, and Copilot's dotted Claude
 * versions (`claude-sonnet-4.5`) with a dash.
 */
export function findModelPrices(table: PriceTable, model: string): ModelPrices | undefined {
  const models = table.models;
  const tries = new Set<string>();
  let name = model.trim().toLowerCase();
  tries.add(name);
  name = name.slice(name.lastIndexOf('/') + 1).replace(/\[[^\]]*\]$/, '');
  tries.add(name);
  name = name.replace(/^(?:[a-z]{2,4}\.)?(?:anthropic|openai|google)\./, '').replace(/-v\d+(?::\d+)?$/, '');
  tries.add(name);
  name = name.replace(/-latest$/, '').replace(/[-@]\d{8}$/, '');
  tries.add(name);
  if (name.startsWith('claude-')) tries.add(name.replace(/(\d)\.(\d)/g, '$1-$2'));
  for (const n of tries) {
    const hit = Object.hasOwn(models, n) ? models[n] : undefined;
    if (hit) return hit;
  }
  return undefined;
}

/** The tokens of one usage event, in this library's convention (input excludes cache reads). */
export interface UsageTokens {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
}

/** US dollars for these tokens at a model's list prices; undefined for an unknown model. */
export function priceTokens(table: PriceTable, model: string | undefined, u: UsageTokens): number | undefined {
  if (model === undefined) return undefined;
  const prices = findModelPrices(table, model);
  if (!prices) return undefined;
  const prompt = u.input_tokens + u.cache_read_tokens + u.cache_creation_tokens;
  const r = prices.above_200k && prompt > 200_000 ? prices.above_200k : prices;
  return (
    (u.input_tokens * r.input + u.output_tokens * r.output + u.cache_read_tokens * r.cache_read + u.cache_creation_tokens * r.cache_write) / 1e6
  );
}

function checkPrices(where: string, v: unknown, nested: boolean): TokenPrices | ModelPrices {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${where} must be an object`);
  const o = v as Record<string, unknown>;
  const num = (k: string, fallback?: number): number => {
    const x = o[k] ?? fallback;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) bad(`${where}.${k} must be a number >= 0 (US dollars per million tokens)`);
    return x;
  };
  const input = num('input');
  const base = { input, output: num('output'), cache_read: num('cache_read', input), cache_write: num('cache_write', input) };
  if (nested || o.above_200k === undefined) return base;
  return { ...base, above_200k: checkPrices(`${where}.above_200k`, o.above_200k, true) };
}

function bad(message: string): never {
  throw new SessionLogError('ERR_INVALID_OPTION', `prices: ${message}`);
}

/**
 * Reads a price override: `{ "as_of"?: "YYYY-MM-DD", "models": { "<name>": { "input", "output",
 * "cache_read"?, "cache_write"?, "above_200k"? } } }` (dollars per million tokens; cache prices
 * default to the input price). Its models replace the bundled ones of the same name; the others
 * stay. A malformed table is ERR_INVALID_OPTION.
 */
export function withPriceOverrides(base: PriceTable, override: unknown): PriceTable {
  if (typeof override !== 'object' || override === null || Array.isArray(override)) bad('the file must hold a JSON object');
  const o = override as Record<string, unknown>;
  const models = o.models;
  if (typeof models !== 'object' || models === null || Array.isArray(models)) bad('"models" must be an object keyed by model name');
  const merged: Record<string, ModelPrices> = { ...base.models };
  for (const [name, v] of Object.entries(models)) merged[name.toLowerCase()] = checkPrices(`models["${name}"]`, v, false);
  const asOf = typeof o.as_of === 'string' ? o.as_of : base.as_of;
  return { as_of: asOf, models: merged };
}

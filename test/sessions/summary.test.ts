import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeSession, withPriceOverrides, BUNDLED_PRICES } from '../../src/index.js';
import { importFixtureHistory, writeSession, type ImportedHistory } from './helpers.js';

let history: ImportedHistory;

beforeAll(async () => {
  history = await importFixtureHistory();
}, 300_000);
afterAll(async () => {
  await history?.cleanup();
});

const logOf = (id: string): string => join(history.logs, 'sessions', `${id}.jsonl`);

describe('summarizeSession', () => {
  it('summarizes an imported Claude session: title, model, tools with failures, tokens and cost', async () => {
    const s = await summarizeSession(logOf('9eda1058-9706-484a-b992-d03f9cfa2546'));
    expect(s.title).toBe('show tools and store response in file');
    expect(s.models).toEqual(['claude-sonnet-4-5-20250929']);
    expect(s.tools).toEqual({ Write: { calls: 1, failed: 1 }, Task: { calls: 2, failed: 0 } });
    expect(s.events_by_type.tool_call).toBe(3);
    expect(s.events_by_type.usage).toBe(5);
    expect(s.usage).toMatchObject({ input_tokens: 47, output_tokens: 4509, cache_read_tokens: 22912, cache_creation_tokens: 147267 });
    // Sonnet 4.5 list prices: 3 in, 15 out, 0.30 cache read, 3.75 cache write per million tokens.
    const expected = (47 * 3 + 4509 * 15 + 22912 * 0.3 + 147267 * 3.75) / 1e6;
    expect(s.usage.cost_usd).toBeCloseTo(expected, 6);
    expect(s.usage.unpriced_tokens).toBe(0);
    expect(s.started_at).not.toBeNull();
    expect(s.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('leaves the cost null for a model the price table does not know, and prices it with an override', async () => {
    const log = logOf('acbcaeec-53a3-497b-b9ea-09bf1d282432');
    const unknown = await summarizeSession(log);
    expect(unknown.models).toEqual(['claude-opus-5-5']);
    expect(unknown.usage.cost_usd).toBeNull();
    expect(unknown.usage.unpriced_tokens).toBe(unknown.usage.total_tokens);
    const prices = withPriceOverrides(BUNDLED_PRICES, { models: { 'claude-opus-5-5': { input: 10, output: 50, cache_read: 1, cache_write: 12.5 } } });
    const priced = await summarizeSession(log, { prices });
    const u = priced.usage;
    expect(u.cost_usd).toBeCloseTo((u.input_tokens * 10 + u.output_tokens * 50 + u.cache_read_tokens * 1 + u.cache_creation_tokens * 12.5) / 1e6, 6);
  });

  it("prefers the provider's own cost, and lists failures, limits and error events", async () => {
    const log = await writeSession(join(history.tmp, 'own'), 'own-1', 'claude', [
      [{ type: 'user_message', role: 'user', content: `  fix   the\nbuild ${'x'.repeat(100)}` }, '2026-11-28T10:00:00.000Z'],
      [{ type: 'usage', input_tokens: 100, output_tokens: 10, total_cost_usd: 0.5, model: 'claude-sonnet-4-5' }, '2026-11-28T10:00:05.000Z'],
      [{ type: 'tool_call', tool_name: 'Bash', tool_id: 't1', input: { command: 'make' } }, '2026-11-28T10:00:06.000Z'],
      [{ type: 'tool_result', tool_name: null, tool_id: 't1', success: false, output: null, error: 'exit 2', data: null }, '2026-11-28T10:00:07.000Z'],
      [{ type: 'usage_limit_hit', provider: 'claude', scope: 'five_hour', incident_id: 'i1', reset_at: '2026-11-28T15:00:00Z' }, '2026-11-28T10:00:08.000Z'],
      [{ type: 'user_event', level: 'error', message: 'deploy failed' }, '2026-11-28T10:01:40.000Z'],
    ]);
    const s = await summarizeSession(log);
    expect(s.title).toBe(`fix the build ${'x'.repeat(65)}…`);
    expect(s.title!.length).toBe(80);
    expect(s.usage.cost_usd).toBe(0.5);
    expect(s.tools).toEqual({ Bash: { calls: 1, failed: 1 } });
    expect(s.errors.map((e) => e.message)).toEqual(['usage limit hit (five_hour), resets 2026-11-28T15:00:00Z', 'deploy failed']);
    expect(s).toMatchObject({ started_at: '2026-11-28T10:00:00.000Z', ended_at: '2026-11-28T10:01:40.000Z', duration_ms: 100_000 });
  });
});

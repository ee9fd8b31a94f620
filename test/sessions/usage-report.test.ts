import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSessionLogError, usageReport, withPriceOverrides, BUNDLED_PRICES, type LogEventInput } from '../../src/index.js';
import { writeSession } from './helpers.js';

let tmp: string;
let logs: string;

const usage = (input: number, output: number, model?: string, extra: Partial<Record<string, number>> = {}): LogEventInput => ({
  type: 'usage',
  input_tokens: input,
  output_tokens: output,
  ...extra,
  ...(model ? { model } : {}),
});

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'asl-usage-'));
  logs = join(tmp, 'logs');
  // Sonnet on the evening of Nov 29 UTC (already Nov 30 in Tokyo) and on Dec 2.
  await writeSession(logs, 's-claude', 'claude', [
    [usage(100_000, 0, 'claude-sonnet-4-5-20250929'), '2026-11-29T20:00:00.000Z'],
    [usage(0, 1_000_000, 'claude-sonnet-4-5-20250929', { cache_read_tokens: 1_000_000 }), '2026-12-02T09:00:00.000Z'],
  ]);
  // Codex names its model only on session_started (an older log): usage falls back to it.
  await writeSession(logs, 's-codex', 'codex', [[usage(2_000_000, 100_000, undefined, { cache_read_tokens: 1_000_000 }), '2026-11-30T12:00:00.000Z']], { model: 'gpt-5' });
  // A model nobody prices, and a usage that carries its own cost.
  await writeSession(logs, 's-copilot', 'copilot', [
    [usage(500, 50, 'mystery-model'), '2026-12-01T08:00:00.000Z'],
    [usage(10, 10, 'mystery-model', { total_cost_usd: 0.25 }), '2026-12-01T08:05:00.000Z'],
  ]);
}, 60_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('usageReport', () => {
  it('groups by model, pricing each from the dated table or its own cost, null never guessed', async () => {
    const r = await usageReport({ logsDir: logs, groupBy: 'model', timeZone: 'UTC' });
    expect(r.prices_as_of).toBe(BUNDLED_PRICES.as_of);
    const byKey = Object.fromEntries(r.rows.map((row) => [row.key, row]));
    expect(Object.keys(byKey).sort()).toEqual(['claude-sonnet-4-5-20250929', 'gpt-5', 'mystery-model']);
    // The first request is priced at the base tier (0.1M × $3); the second's prompt (1M cached) is over
    // 200k tokens, so Sonnet's long-context prices apply: 1M out × $22.5 + 1M cache read × $0.6.
    expect(byKey['claude-sonnet-4-5-20250929']).toMatchObject({ input_tokens: 100_000, output_tokens: 1_000_000, cache_read_tokens: 1_000_000, cost_usd: expect.closeTo(0.3 + 22.5 + 0.6, 6), sessions: 1 });
    expect(byKey['gpt-5']).toMatchObject({ input_tokens: 2_000_000, cost_usd: expect.closeTo(2.5 + 1 + 0.125, 6), providers: ['codex'] });
    // 550 tokens unpriced, 20 tokens with the provider's own $0.25.
    expect(byKey['mystery-model']).toMatchObject({ cost_usd: expect.closeTo(0.25, 6), unpriced_tokens: 550, total_tokens: 570 });
    expect(r.totals).toMatchObject({ input_tokens: 2_100_510, cost_usd: expect.closeTo(23.4 + 3.625 + 0.25, 6), unpriced_tokens: 550 });
  });

  it('groups by day, week and month in the chosen time zone', async () => {
    const utc = await usageReport({ logsDir: logs, groupBy: 'day', timeZone: 'UTC' });
    expect(utc.rows.map((r) => r.key)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    const tokyo = await usageReport({ logsDir: logs, groupBy: 'day', timeZone: 'Asia/Tokyo' });
    expect(tokyo.rows.map((r) => [r.key, r.input_tokens])).toEqual([
      ['2026-11-30', 2_100_000],
      ['2026-12-01', 510],
      ['2026-12-02', 0],
    ]);
    const weeks = await usageReport({ logsDir: logs, groupBy: 'week', timeZone: 'UTC' });
    // 2026-11-29 is a Sunday: its week began on Monday the 23rd.
    expect(weeks.rows.map((r) => r.key)).toEqual(['2026-11-23', '2026-11-30']);
    const months = await usageReport({ logsDir: logs, groupBy: 'month', timeZone: 'UTC' });
    expect(months.rows.map((r) => [r.key, r.sessions])).toEqual([['2026-11', 2], ['2026-12', 2]]);
  });

  it('groups by session and provider, over a time range', async () => {
    const bySession = await usageReport({ logsDir: logs, groupBy: 'session', since: '2026-11-30', until: '2026-12-01T23:59:59Z' });
    expect(bySession.rows.map((r) => [r.key, r.session?.provider])).toEqual([
      ['s-codex', 'codex'],
      ['s-copilot', 'copilot'],
    ].sort());
    const byProvider = await usageReport({ logsDir: logs, groupBy: 'provider' });
    expect(byProvider.rows.map((r) => r.key)).toEqual(['claude', 'codex', 'copilot']);
  });

  it('uses a price override and rejects bad options with ERR_INVALID_OPTION', async () => {
    const prices = withPriceOverrides(BUNDLED_PRICES, { models: { 'mystery-model': { input: 1000, output: 1000 } } });
    const r = await usageReport({ logsDir: logs, groupBy: 'model', prices });
    expect(r.rows.find((row) => row.key === 'mystery-model')).toMatchObject({ cost_usd: expect.closeTo(0.25 + 0.55, 6), unpriced_tokens: 0 });
    for (const bad of [{ groupBy: 'year' }, { groupBy: 'day', timeZone: 'Mars/Olympus' }, { groupBy: 'day', since: 'last week' }]) {
      const error = await usageReport({ logsDir: logs, ...(bad as { groupBy: 'day' }) }).catch((e: unknown) => e);
      expect(isSessionLogError(error, 'ERR_INVALID_OPTION')).toBe(true);
    }
    expect(() => withPriceOverrides(BUNDLED_PRICES, { models: { x: { input: -1, output: 1 } } })).toThrow(/input/);
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from '../helpers/dist.js';
import { importFixtureHistory, type ImportedHistory } from '../sessions/helpers.js';
import { runCli } from './helpers/run.js';

let history: ImportedHistory;
let at: string[];

beforeAll(async () => {
  await ensureDist();
  history = await importFixtureHistory({ codex: true });
  at = ['--logs-dir', history.logs, '--home', history.home];
}, 300_000);
afterAll(async () => {
  await history?.cleanup();
});

describe('search', () => {
  it('prints one JSON match per line, counts and limits', async () => {
    const json = await runCli(['search', 'ls', '--tool-kind', 'shell', '--json', ...at], { home: history.home });
    expect(json.code).toBe(0);
    const matches = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { session: { wrapper_session_id: string }; event: { type: string; tool_kind?: string } });
    expect(matches.length).toBeGreaterThan(1);
    for (const m of matches) expect(m.event.tool_kind).toBe('shell');
    const count = await runCli(['search', 'ls', '--tool-kind', 'shell', '--count', ...at], { home: history.home });
    expect(count).toMatchObject({ code: 0, stdout: `${matches.length}\n` });
    const limited = await runCli(['search', 'ls', '--tool-kind', 'shell', '--limit', '1', ...at], { home: history.home });
    expect(limited.code).toBe(0);
    expect(limited.stdout.trim().split('\n')).toHaveLength(1);
    expect(limited.stdout).toContain(matches[0]!.session.wrapper_session_id.slice(0, 8));
  });

  it('makes a typo in --type or --provider a usage error with a hint, never an empty success', async () => {
    const type = await runCli(['search', 'x', '--type', 'tool_cal', ...at], { home: history.home });
    expect(type.code).toBe(2);
    expect(type.stderr).toContain("unknown --type value 'tool_cal'; did you mean 'tool_call'?");
    const provider = await runCli(['search', 'x', '--provider', 'claud', ...at], { home: history.home });
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain("did you mean 'claude'?");
    const since = await runCli(['search', 'x', '--since', 'yesterday', ...at], { home: history.home });
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('since');
  });
});

describe('summary', () => {
  it('prints a session summary, and the same as JSON', async () => {
    const human = await runCli(['summary', '9eda1058', ...at], { home: history.home });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Title     show tools and store response in file');
    expect(human.stdout).toContain('Tokens    47 in, 4,509 out, 22,912 cache read, 147,267 cache write');
    expect(human.stdout).toContain('Cost      $0.63');
    const json = await runCli(['summary', '9eda1058', '--json', ...at], { home: history.home });
    const s = JSON.parse(json.stdout) as { session_id: string; tools: object; usage: { output_tokens: number } };
    expect(s.session_id).toBe('9eda1058-9706-484a-b992-d03f9cfa2546');
    expect(s.tools).toEqual({ Write: { calls: 1, failed: 1 }, Task: { calls: 2, failed: 0 } });
    expect(s.usage.output_tokens).toBe(4509);
  });
});

describe('usage', () => {
  it('prints a ccusage-style table with a total row, and JSON', async () => {
    const table = await runCli(['usage', '--by', 'model', ...at], { home: history.home });
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^┌─+┬/);
    expect(lines[1]).toMatch(/│ Model +│ +Input │ +Output │ Cache Create │ Cache Read │ Total Tokens │ Cost \(USD\) │/);
    expect(table.stdout).toMatch(/│ claude-sonnet-4-5-20250929 +│/);
    expect(table.stdout).toMatch(/│ Total +│/);
    expect(table.stdout).toContain('Prices as of 2025-11-24; times in UTC.');
    const json = await runCli(['usage', '--by', 'provider', '--json', ...at], { home: history.home });
    const report = JSON.parse(json.stdout) as { rows: Array<{ key: string; total_tokens: number }>; totals: { total_tokens: number } };
    expect(report.rows.map((r) => r.key)).toEqual(['claude', 'codex']);
    expect(report.rows.reduce((n, r) => n + r.total_tokens, 0)).toBe(report.totals.total_tokens);
  });

  it('prices an unknown model with --prices, and rejects a bad --by', async () => {
    const before = await runCli(['usage', '--by', 'model', '--json', ...at], { home: history.home });
    const opus = (out: string) => (JSON.parse(out) as { rows: Array<{ key: string; cost_usd: number | null }> }).rows.find((r) => r.key === 'claude-opus-5-5')!;
    expect(opus(before.stdout).cost_usd).toBeNull();
    const file = join(history.tmp, 'prices.json');
    await writeFile(file, JSON.stringify({ as_of: '2026-12-01', models: { 'claude-opus-5-5': { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25 } } }));
    const after = await runCli(['usage', '--by', 'model', '--json', '--prices', file, ...at], { home: history.home });
    expect(after.code).toBe(0);
    expect(opus(after.stdout).cost_usd).toBeGreaterThan(0);
    const bad = await runCli(['usage', '--by', 'dya', ...at], { home: history.home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("did you mean 'day'?");
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSessionLog, usageReport } from '../../src/index.js';
import { importFixtureHistory, type ImportedHistory } from './helpers.js';

let history: ImportedHistory;

beforeAll(async () => {
  history = await importFixtureHistory({ codex: true, copilot: true });
}, 300_000);
afterAll(async () => {
  await history?.cleanup();
});

describe('usage events name their model', () => {
  it('on every usage event imported from Claude, Codex and Copilot records', async () => {
    const report = await usageReport({ logsDir: history.logs, groupBy: 'session' });
    const seen = new Set<string>();
    for (const row of report.rows) {
      for await (const e of readSessionLog(row.session!.log_path)) {
        if (e.type !== 'usage') continue;
        seen.add(e.provider);
        expect(e.model, `${e.provider} ${row.key} #${e.seq}`).toEqual(expect.any(String));
      }
    }
    expect([...seen].sort()).toEqual(['claude', 'codex', 'copilot']);
    const byModel = await usageReport({ logsDir: history.logs, groupBy: 'model' });
    expect(byModel.rows.map((r) => r.key)).not.toContain('(unknown)');
  });
});

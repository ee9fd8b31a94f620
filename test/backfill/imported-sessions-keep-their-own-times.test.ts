import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureHome } from '../../scripts/fixture-home.mjs';
import { defaultHistoricalAdapters, loadIndex, readSessionLog, runBackfill } from '../../src/index.js';

let dir: string;
let home: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asl-times-'));
  home = join(dir, 'home');
  await buildFixtureHome(home);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('imported sessions are indexed at the time they happened', () => {
  it('started_at and ended_at come from the provider records, not from the import', async () => {
    const logs = join(dir, 'logs');
    const importStarted = new Date().toISOString();
    const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect(result.imported).toBeGreaterThan(10);
    const { sessions } = await loadIndex(logs);
    expect(sessions).toHaveLength(result.imported);
    for (const entry of sessions) {
      expect(entry.started_at < importStarted, `${entry.wrapper_session_id} started_at ${entry.started_at}`).toBe(true);
      expect(entry.ended_at! >= entry.started_at).toBe(true);
      expect(entry.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // The log itself is still stamped at import time, as zag does.
      for await (const ev of readSessionLog(entry.log_path)) {
        expect(ev.ts >= importStarted).toBe(true);
        break;
      }
    }
  });
});

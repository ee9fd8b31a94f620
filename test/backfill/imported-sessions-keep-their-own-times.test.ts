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

describe('imported sessions are indexed at the times their log says', () => {
  // The log's session_started/session_ended carry the first/last provider record
  // times (h-times); the index takes the same times from the written log, so a
  // rebuilt index (which can only read the log) says the same.
  it("started_at and ended_at are the log's session_started and session_ended times", async () => {
    const logs = join(dir, 'logs');
    const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect(result.imported).toBeGreaterThan(10);
    const { sessions } = await loadIndex(logs);
    expect(sessions).toHaveLength(result.imported);
    for (const entry of sessions) {
      expect(entry.ended_at! >= entry.started_at).toBe(true);
      expect(entry.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      let first: string | null = null;
      let ended: string | null = null;
      for await (const ev of readSessionLog(entry.log_path)) {
        first ??= ev.ts;
        if (ev.type === 'session_ended') ended = ev.ts;
      }
      expect(entry.started_at, entry.wrapper_session_id).toBe(first);
      expect(entry.ended_at, entry.wrapper_session_id).toBe(ended);
    }
  });
});

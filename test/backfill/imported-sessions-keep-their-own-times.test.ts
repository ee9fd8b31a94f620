import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureHome } from '../../scripts/fixture-home.mjs';
import { defaultHistoricalAdapters, loadIndex, readSessionLog, runBackfill, type AgentLogEvent } from '../../src/index.js';

let dir: string;
let home: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asl-times-'));
  home = join(dir, 'home');
  await buildFixtureHome(home);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('imported sessions keep the times they happened', () => {
  it('every event has its record time; session_started/ended and the index span the first and last record', async () => {
    const logs = join(dir, 'logs');
    const importStarted = new Date().toISOString();
    const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect(result.imported).toBeGreaterThan(10);
    const { sessions } = await loadIndex(logs);
    expect(sessions).toHaveLength(result.imported);
    for (const entry of sessions) {
      const id = entry.wrapper_session_id;
      expect(entry.started_at < importStarted, `${id} started_at ${entry.started_at}`).toBe(true);
      expect(entry.ended_at! >= entry.started_at, `${id} ended_at ${entry.ended_at}`).toBe(true);
      expect(entry.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const events: AgentLogEvent[] = [];
      for await (const ev of readSessionLog(entry.log_path)) events.push(ev);
      const first = events[0]!;
      const last = events.at(-1)!;
      expect([first.type, last.type]).toEqual(['session_started', 'session_ended']);
      // The log's own first and last lines are what the index says.
      expect([first.ts, last.ts]).toEqual([entry.started_at, entry.ended_at]);
      for (const ev of events) {
        expect(ev.ts < importStarted, `${id} seq ${ev.seq} ${ev.type} at ${ev.ts}`).toBe(true);
        // session_ended is the latest record time; ts may go backwards across seq (see docs/time-semantics.md).
        expect(ev.ts <= last.ts, `${id} seq ${ev.seq} ${ev.ts} after session_ended`).toBe(true);
      }
    }
  });
});

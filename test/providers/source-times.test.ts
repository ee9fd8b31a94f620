import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureHome } from '../../scripts/fixture-home.mjs';
import { defaultHistoricalAdapters, type BackfilledSession } from '../../src/index.js';

let home: string;
const importStarted = Date.now();

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'asl-source-times-'));
  await buildFixtureHome(home);
});
afterAll(() => rm(home, { recursive: true, force: true }));

async function drain(session: BackfilledSession): Promise<number> {
  let n = 0;
  for await (const _ of session.events) n++;
  return n;
}

describe('historical sessions report when they happened, not when they were imported', () => {
  for (const provider of ['claude', 'codex', 'gemini', 'copilot']) {
    it(`${provider}: every session has a start and end time from its own records`, async () => {
      const [adapter] = defaultHistoricalAdapters({ home, providers: [provider] });
      let sessions = 0;
      for await (const session of adapter!.backfill(null)) {
        expect(session.sourceTimes, session.metadata.wrapperSessionId).toBeTypeOf('function');
        await drain(session);
        const times = session.sourceTimes!();
        const started = Date.parse(times.startedAt ?? '');
        const ended = Date.parse(times.endedAt ?? '');
        expect(Number.isNaN(started), `${session.metadata.wrapperSessionId} startedAt ${times.startedAt}`).toBe(false);
        expect(Number.isNaN(ended), `${session.metadata.wrapperSessionId} endedAt ${times.endedAt}`).toBe(false);
        expect(started).toBeLessThanOrEqual(ended);
        // The fixtures were recorded before this test ran.
        expect(ended).toBeLessThan(importStarted);
        sessions++;
      }
      expect(sessions).toBeGreaterThan(0);
    });
  }
});

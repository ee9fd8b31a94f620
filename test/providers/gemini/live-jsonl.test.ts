import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayInChunks } from '../../helpers/replay.js';
import { backfillOf, fakeHome, runLive } from './live-helpers.js';
import { fixtureFiles, scan } from './scan.js';

const jsonl = fixtureFiles().filter((f) => f.path.endsWith('.jsonl'));

describe('GeminiLiveLogAdapter on JSONL sessions appended in random chunks', () => {
  it('has JSONL fixtures', () => expect(jsonl.length).toBeGreaterThanOrEqual(5));

  jsonl.forEach((file, i) => {
    it(`${file.name}: the live events equal the backfill of the final file`, async () => {
      const { home, chats, cleanup } = fakeHome();
      try {
        const dest = join(chats, basename(file.path));
        const live = await runLive(home, () =>
          replayInChunks(file.path, dest, { seed: 1000 + i, maxChunk: 400, maxDelayMs: 12 }),
        );
        const expected = await backfillOf(home, basename(file.path));
        expect(expected.length).toBeGreaterThan(5);
        expect(live.events).toEqual(expected);
        expect(live.events.filter((e) => e['type'] === 'parse_warning')).toEqual([]);
        // The session is named after Gemini's id and its file is recorded.
        expect(live.all.at(-1)).toMatchObject({ type: 'session_ended', provider_session_id: scan(file.path).sessionId });
        expect(live.sourcePaths).toContain(dest);
      } finally {
        cleanup();
      }
    });
  });
});

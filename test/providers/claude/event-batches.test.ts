import { describe, expect, it } from 'vitest';
import { EVENT_BATCHES, eventBatchesOf } from '../../../src/providers/shared/event-batches.js';
import { ClaudeHistoricalLogAdapter } from '../../../src/providers/index.js';
import { collect, fixtureHomes } from './helpers.js';

/**
 * The Claude adapter hands its events to runBackfill in arrays (one per
 * chunk read, an internal fast path); iterating `events` the ordinary way
 * must give exactly the same events, in the same order, and either way can
 * be repeated.
 */
describe('Claude historical events in batches', () => {
  it('offers batches that flatten to exactly the per-event iteration, for every fixture session', async () => {
    let sessions = 0;
    for (const { home } of await fixtureHomes()) {
      for await (const s of new ClaudeHistoricalLogAdapter({ home }).backfill()) {
        const batches = eventBatchesOf(s.events);
        expect(batches).toBeTypeOf('function');
        expect(EVENT_BATCHES in s.events).toBe(true);
        const flat = [];
        for await (const batch of batches!()) {
          expect(batch.length).toBeGreaterThan(0);
          flat.push(...batch);
        }
        const perEvent = await collect(s);
        expect(flat).toEqual(perEvent);
        expect(await collect(s)).toEqual(perEvent); // a second iteration reads the files again
        sessions++;
      }
    }
    expect(sessions).toBeGreaterThanOrEqual(10);
  });
});

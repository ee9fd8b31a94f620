import { describe, expect, it } from 'vitest';
import {
  loadIndex,
  readSessionLog,
  runBackfill,
  type AgentLogEvent,
  type BackfilledEvent,
  type BackfilledSession,
  type HistoricalLogAdapter,
  type SourceTimes,
} from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

/** An adapter of one's own: one session with the given events (and, optionally, reported times). */
function adapter(events: BackfilledEvent[], sourceTimes?: SourceTimes): HistoricalLogAdapter {
  return {
    provider: 'claude',
    async *backfill(): AsyncIterable<BackfilledSession> {
      yield {
        metadata: { provider: 'claude', wrapperSessionId: 'own-1', command: 'backfill', backfilled: true },
        completeness: 'full',
        sourcePaths: [],
        events,
        ...(sourceTimes ? { sourceTimes: () => sourceTimes } : {}),
      };
    },
  };
}

async function importOwn(a: HistoricalLogAdapter) {
  const logs = tempDir('own-times-');
  expect((await runBackfill(logs, null, [a], { inWorker: false })).imported).toBe(1);
  const { sessions } = await loadIndex(logs);
  const events: AgentLogEvent[] = [];
  for await (const e of readSessionLog(sessions[0]!.log_path)) events.push(e);
  return { entry: sessions[0]!, events };
}

const text = (content: string) => ({ type: 'assistant_message' as const, content });

describe("an adapter's event times (the tuples' third element)", () => {
  it('are written as UTC with milliseconds; events without one (or with a bad one) take their neighbours', async () => {
    const { entry, events } = await importOwn(
      adapter([
        ['backfill', text('a')],
        ['backfill', text('b'), '2025-06-01T12:00:01+02:00'],
        ['backfill', text('c'), 'bad'],
        ['backfill', text('d'), '2025-06-01T10:00:05.5Z'],
        ['backfill', text('e'), '2025-06-01T09:59:00Z'],
      ]),
    );
    expect(events.map((e) => [e.type, (e as { content?: string }).content ?? null, e.ts])).toEqual([
      ['session_started', null, '2025-06-01T10:00:01.000Z'],
      ['assistant_message', 'a', '2025-06-01T10:00:01.000Z'],
      ['assistant_message', 'b', '2025-06-01T10:00:01.000Z'],
      ['assistant_message', 'c', '2025-06-01T10:00:01.000Z'],
      ['assistant_message', 'd', '2025-06-01T10:00:05.500Z'],
      // Earlier than the line before it: ts goes backwards across seq, session_ended does not.
      ['assistant_message', 'e', '2025-06-01T09:59:00.000Z'],
      ['session_ended', null, '2025-06-01T10:00:05.500Z'],
    ]);
    expect(entry).toMatchObject({ started_at: '2025-06-01T10:00:01.000Z', ended_at: '2025-06-01T10:00:05.500Z' });
  });

  it('without any, the times it reports date the session, and widen it when they are outside the events', async () => {
    const untimed = await importOwn(adapter([['backfill', text('a')]], { startedAt: '2025-05-01T08:00:00Z', endedAt: '2025-05-01T09:00:00Z' }));
    expect(untimed.events.map((e) => e.ts)).toEqual(['2025-05-01T08:00:00.000Z', '2025-05-01T08:00:00.000Z', '2025-05-01T09:00:00.000Z']);
    expect(untimed.entry).toMatchObject({ started_at: '2025-05-01T08:00:00.000Z', ended_at: '2025-05-01T09:00:00.000Z' });

    const timed = await importOwn(
      adapter([['backfill', text('a'), '2025-05-01T08:30:00Z']], { startedAt: '2025-05-01T08:00:00Z', endedAt: 'not a time' }),
    );
    expect(timed.events.map((e) => e.ts)).toEqual(['2025-05-01T08:00:00.000Z', '2025-05-01T08:30:00.000Z', '2025-05-01T08:30:00.000Z']);
  });
});

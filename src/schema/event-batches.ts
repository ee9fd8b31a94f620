import { giveTurnIfDue } from '../turns.js';
import type { LogSourceKind } from './enums.js';
import type { LogEventInput } from './kinds.js';

/**
 * An internal fast path between this package's historical adapters and
 * `runBackfill` (not part of the public API, which stays per event).
 *
 * A `BackfilledSession.events` iterable may also carry a method under this
 * symbol that returns the same events, in the same order, in arrays (say,
 * one array per chunk of the source file). The runner then awaits once per
 * array instead of once per event: an async iteration step costs about as
 * much as writing a small event's line, and a history holds millions.
 * Iterating `events` the ordinary way must keep giving the same events.
 */
export const EVENT_BATCHES: unique symbol = Symbol('agent-session-log.eventBatches');

export type EventBatch = ReadonlyArray<readonly [LogSourceKind, LogEventInput]>;

export interface BatchedEvents {
  [EVENT_BATCHES](): AsyncIterable<EventBatch>;
}

/** The batch iteration of `events`, when it offers one. */
export function eventBatchesOf(events: object): (() => AsyncIterable<EventBatch>) | undefined {
  const fn = (events as Partial<BatchedEvents>)[EVENT_BATCHES];
  return typeof fn === 'function' ? () => fn.call(events) : undefined;
}

/**
 * Events produced in arrays by `next()` (empty arrays allowed; `null` at the
 * end), offered both ways: per event (`for await`) and per array (the
 * runner's fast path). `close()` runs when an iteration ends, early or not.
 * `next()` may do bounded synchronous work (read and parse one chunk); the
 * iteration lets the event loop run between steps (see giveTurnIfDue).
 */
export function batchedEvents(
  open: () => { next(): EventBatch | null; close(): void },
): AsyncIterable<[LogSourceKind, LogEventInput]> & BatchedEvents {
  async function* batches(): AsyncGenerator<EventBatch> {
    const source = open();
    try {
      for (let batch = source.next(); batch !== null; batch = source.next()) {
        if (batch.length > 0) yield batch;
        await giveTurnIfDue();
      }
    } finally {
      source.close();
    }
  }
  return {
    [EVENT_BATCHES]: batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) {
        for (const event of batch) yield event as [LogSourceKind, LogEventInput];
      }
    },
  };
}

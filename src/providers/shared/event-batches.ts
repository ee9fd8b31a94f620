import { giveTurnIfDue } from '../../tail/turns.js';
import type { LogEventInput, LogSourceKind, SourceTimes } from '../../schema/index.js';
import { asPortableCall, type PortableCall } from './portable.js';

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

export type EventBatch = ReadonlyArray<readonly [LogSourceKind, LogEventInput, string?]>;

export interface BatchedEvents {
  [EVENT_BATCHES](): AsyncIterable<EventBatch>;
}

/**
 * Also internal: how to produce the same events in another thread. Importing
 * `module` and calling its export `name` with `args` (structured-cloneable)
 * followed by an AbortSignal must give an equivalent `events` iterable. The
 * runner uses it to parse and write sessions in worker threads.
 */
export const EVENT_SOURCE: unique symbol = Symbol('agent-session-log.eventSource');

export type PortableEvents = PortableCall;

/** The portable description of `events`, when it offers one. */
export function portableEventsOf(events: object): PortableEvents | undefined {
  return asPortableCall((events as { [EVENT_SOURCE]?: unknown })[EVENT_SOURCE]);
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
  portable?: PortableEvents,
): AsyncIterable<[LogSourceKind, LogEventInput, string?]> & BatchedEvents {
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
    ...(portable ? { [EVENT_SOURCE]: portable } : {}),
    [EVENT_BATCHES]: batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) {
        for (const event of batch) yield event as [LogSourceKind, LogEventInput, string?];
      }
    },
  };
}

/**
 * Also internal: a method under this symbol on `events` returns the source
 * session's first and last record times once the events have been read. It
 * travels with the events into a worker thread, where `BackfilledSession`'s
 * own `sourceTimes` (the public way) is not available.
 */
export const SOURCE_TIMES: unique symbol = Symbol('agent-session-log.sourceTimes');

export interface TimedEvents {
  [SOURCE_TIMES](): SourceTimes;
}

/** The times `events` can report, if it offers them. */
export function sourceTimesOf(events: object): SourceTimes | undefined {
  const fn = (events as Partial<TimedEvents>)[SOURCE_TIMES];
  return typeof fn === 'function' ? fn.call(events) : undefined;
}

/** The earliest start and the latest end of several files' times (unparseable times are ignored). */
export function spanOf(times: readonly SourceTimes[]): SourceTimes {
  let start: number | undefined;
  let end: number | undefined;
  const span: SourceTimes = {};
  for (const t of times) {
    const s = t.startedAt === undefined ? Number.NaN : Date.parse(t.startedAt);
    const e = t.endedAt === undefined ? Number.NaN : Date.parse(t.endedAt);
    if (!Number.isNaN(s) && (start === undefined || s < start)) [start, span.startedAt] = [s, t.startedAt];
    if (!Number.isNaN(e) && (end === undefined || e > end)) [end, span.endedAt] = [e, t.endedAt];
  }
  return span;
}

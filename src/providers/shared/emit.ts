import type { LogSink } from '../../schema/index.js';
import { stampWithFileTime } from './record-times.js';
import type { ParsedEvent } from './types.js';

/**
 * Writes a live parser's events with their record times. `path` is given at
 * the end of input (a parser's `end()`): events still without a time then
 * come from a file with no readable time and get its modification time,
 * exactly as an import of that file does.
 */
export function emitParsed(sink: LogSink, events: ParsedEvent[], path?: string): void {
  if (path !== undefined) stampWithFileTime(events, path);
  for (const [source, event, ts] of events) sink.emit(source, event, ts === undefined ? undefined : { ts });
}

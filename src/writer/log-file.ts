import fs from 'node:fs';
import { SessionLogError } from '../errors.js';
import { parseLogEvent } from '../schema/event.js';
import type { LogEventKind } from '../schema/kinds.js';
import { inspectLogTail, readRange, seqOfLine } from './tail.js';

/** State of a log after {@link repairTail}: where to continue. */
export interface RepairedTail {
  /** Size of the file after the repair. */
  size: number;
  /** The `seq` the next line gets. */
  nextSeq: number;
  /** A parse_warning to emit first, for bytes that were cut off; null if none. */
  warning: LogEventKind | null;
}

/**
 * Makes the file end with a complete line again and finds the next `seq`,
 * reading only its tail. An unterminated last line that is a whole valid event
 * (e.g. a writer killed between the JSON and its newline) just gets its `\n`;
 * anything else is cut off and returned as a parse_warning whose `raw` holds the
 * bytes, so nothing is silently dropped. Call with the log lock held.
 */
export function repairTail(fd: number): RepairedTail {
  const tail = inspectLogTail(fd);
  if (!tail.unterminated) return { size: tail.size, nextSeq: tail.lastSeq + 1, warning: null };
  const text = tail.unterminated.toString('utf8');
  const seq = seqOfLine(text);
  if (seq !== null && parseLogEvent(JSON.parse(text)).ok) {
    writeWhole(fd, '\n');
    return { size: tail.size + 1, nextSeq: Math.max(seq, tail.lastSeq) + 1, warning: null };
  }
  fs.ftruncateSync(fd, tail.completeEnd);
  return {
    size: tail.completeEnd,
    nextSeq: tail.lastSeq + 1,
    warning: {
      type: 'parse_warning',
      message: `cut off a torn last line (${tail.unterminated.length} bytes without a trailing newline) when reopening the log`,
      raw: text,
    },
  };
}

/**
 * Writes all of `data` at the end of an O_APPEND descriptor. One `write`
 * almost always takes it all; the loop only covers the rare short write.
 */
export function writeWhole(fd: number, data: string | Buffer): number {
  let buf: Buffer | null = null;
  let n: number;
  try {
    n = typeof data === 'string' ? fs.writeSync(fd, data) : fs.writeSync(fd, data);
  } catch (err) {
    throw new SessionLogError('ERR_IO', `cannot write to the session log: ${(err as Error).message}`, { cause: err });
  }
  const total = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  while (n < total) {
    buf ??= typeof data === 'string' ? Buffer.from(data) : data;
    try {
      n += fs.writeSync(fd, buf, n, total - n);
    } catch (err) {
      throw new SessionLogError('ERR_IO', `short write to the session log: ${(err as Error).message}`, { cause: err });
    }
  }
  return total;
}

/**
 * Reads lines appended by someone else between `from` and `to`: the largest
 * `seq` among them, and whether the region ends mid-line.
 */
export function scanForeign(fd: number, from: number, to: number): { maxSeq: number; endsMidLine: boolean } {
  const buf = readRange(fd, from, to);
  let maxSeq = 0;
  for (const line of buf.toString('utf8').split('\n')) {
    const seq = line ? seqOfLine(line) : null;
    if (seq !== null && seq > maxSeq) maxSeq = seq;
  }
  return { maxSeq, endsMidLine: buf.length > 0 && buf[buf.length - 1] !== 0x0a };
}

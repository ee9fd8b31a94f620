import fs from 'node:fs';

/** Bytes read per step when walking a log backwards. */
const CHUNK = 64 * 1024;
const NL = 0x0a;

/** What the end of a log looks like, found without reading the whole file. */
export interface LogTail {
  /** File size when inspected. */
  size: number;
  /** Offset just past the last `\n` (0 if the file has none). */
  completeEnd: number;
  /** Bytes after the last `\n` (a line still being written, or torn by a crash); null if none. */
  unterminated: Buffer | null;
  /** `seq` of the last complete line that has one; 0 if none. */
  lastSeq: number;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/**
 * Offset just past the last `\n` at or before `end`, reading backwards in
 * chunks; 0 when there is none. Cost is proportional to the last line's length.
 */
function lastNewlineEnd(fd: number, end: number): number {
  let pos = end;
  while (pos > 0) {
    const start = Math.max(0, pos - CHUNK);
    const buf = readAt(fd, start, pos - start);
    const i = buf.lastIndexOf(NL);
    if (i >= 0) return start + i + 1;
    pos = start;
  }
  return 0;
}

/** The `seq` of a line if it is a JSON object with a non-negative integer `seq`. */
export function seqOfLine(line: string): number | null {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return null;
    const seq = (value as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : null;
  } catch {
    return null;
  }
}

/**
 * The last `seq` among the complete lines that end at `completeEnd`, walking
 * back line by line past blank or unparseable lines. Usually reads one line.
 */
function lastSeqBefore(fd: number, completeEnd: number): number {
  let end = completeEnd;
  while (end > 0) {
    // `end - 1` is the '\n' that terminates the line we look at.
    const start = lastNewlineEnd(fd, end - 1);
    const line = readAt(fd, start, end - 1 - start).toString('utf8');
    if (line.trim() !== '') {
      const seq = seqOfLine(line);
      if (seq !== null) return seq;
    }
    end = start;
  }
  return 0;
}

/**
 * Inspects the end of an open log: its last complete line's `seq` and any
 * unterminated bytes after it. Reads only the tail, so its cost does not grow
 * with the file (only with the length of the last lines).
 */
export function inspectLogTail(fd: number): LogTail {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return { size, completeEnd: 0, unterminated: null, lastSeq: 0 };
  const completeEnd = lastNewlineEnd(fd, size);
  const unterminated = completeEnd < size ? readAt(fd, completeEnd, size - completeEnd) : null;
  return { size, completeEnd, unterminated, lastSeq: lastSeqBefore(fd, completeEnd) };
}

/** Reads `[from, to)` of an open file. */
export function readRange(fd: number, from: number, to: number): Buffer {
  return to > from ? readAt(fd, from, to - from) : Buffer.alloc(0);
}

/** The first line of a file (without `\n`), reading only as much as it needs; null for an empty file. */
export function readFirstLine(fd: number): string | null {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const buf = readAt(fd, pos, CHUNK);
    if (buf.length === 0) break;
    const i = buf.indexOf(NL);
    if (i >= 0) {
      parts.push(buf.subarray(0, i));
      break;
    }
    parts.push(buf);
    pos += buf.length;
  }
  if (parts.length === 0) return null;
  return Buffer.concat(parts).toString('utf8');
}

/**
 * The complete lines at the end of a file, newest first, lazily: reading stops
 * as soon as the caller stops iterating.
 */
export function* linesFromEnd(fd: number, end: number): Generator<string> {
  let stop = end;
  // Skip an unterminated tail: it is not a complete line.
  const last = lastNewlineEnd(fd, stop);
  stop = last;
  while (stop > 0) {
    const start = lastNewlineEnd(fd, stop - 1);
    yield readAt(fd, start, stop - 1 - start).toString('utf8');
    stop = start;
  }
}

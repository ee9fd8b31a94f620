import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { SessionLogError } from '../errors.js';

export interface FileLine {
  line: string;
  /** 1-based. */
  lineNo: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** False only for a last line that has no trailing '\n' (possibly torn by a writer mid-append). */
  terminated: boolean;
}

const CHUNK = 64 * 1024;

/**
 * Streams the lines of a file in fixed-size chunks, so memory is bounded by
 * the longest line rather than the file. Unlike `readLines` from src/tail it
 * tells whether the last line was terminated, which is what separates a torn
 * tail (skip it) from a corrupt complete line (report it). A missing file
 * rejects with ENOENT (the reader turns it into ERR_NOT_FOUND).
 */
export async function* readFileLines(path: string, signal?: AbortSignal): AsyncGenerator<FileLine> {
  // O_NONBLOCK + fstat: a FIFO in place of a log must not hang a reader (`show`, `listen`).
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new SessionLogError('ERR_UNSAFE_PATH', `${path} is not a regular file: not read`);
  }
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineStart = 0;
    let position = 0;
    let lineNo = 0;
    const take = (tail: Buffer): string => {
      const whole = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
      pending = [];
      pendingBytes = 0;
      // Drop a trailing '\r' (CRLF files), as the tail module does.
      const end = whole.length > 0 && whole[whole.length - 1] === 0x0d ? whole.length - 1 : whole.length;
      return whole.toString('utf8', 0, end);
    };
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buf, 0, CHUNK, position);
      if (bytesRead === 0) break;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl === -1 || nl >= bytesRead) break;
        const line = take(buf.subarray(start, nl));
        yield { line, lineNo: ++lineNo, offset: lineStart, terminated: true };
        lineStart = position + nl + 1;
        start = nl + 1;
      }
      if (start < bytesRead) {
        // Copy: `buf` is reused by the next read.
        pending.push(Buffer.from(buf.subarray(start, bytesRead)));
        pendingBytes += bytesRead - start;
      }
      position += bytesRead;
    }
    if (pendingBytes > 0) {
      yield { line: take(Buffer.alloc(0)), lineNo: ++lineNo, offset: lineStart, terminated: false };
    }
  } finally {
    await handle.close();
  }
}

import fs from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes read per call; a busy log is read in several turns so one session cannot starve the others. */
const CHUNK = 64 * 1024;
/** A line longer than this is dropped (and reported) rather than held in memory without bound. */
const MAX_LINE = 16 * 1024 * 1024;

export interface CursorRead {
  /** Complete lines (without '\n'), in file order. */
  lines: string[];
  /** More bytes were there than one read takes: read again. */
  more: boolean;
  /** The file shrank or was replaced, and reading restarted at its beginning. */
  reset: boolean;
}

/**
 * Where a subscriber stands in one session log: a byte offset and the bytes of
 * a line not finished yet. Unlike LineTailer it remembers nothing per line
 * delivered, so its memory does not grow with the log (a subscriber may hold
 * thousands of these), and it keeps no descriptor open between reads (a
 * thousand idle sessions cost no file handles). Session logs are append-only;
 * a file that shrinks or gets another inode is read again from its start.
 */
export class LogCursor {
  readonly path: string;
  #offset: number;
  #carry: Buffer | null = null;
  #ino: number | null = null;

  private constructor(path: string, offset: number, ino: number | null) {
    this.path = path;
    this.#offset = offset;
    this.#ino = ino;
  }

  /** Bytes consumed so far (a half-written last line included). */
  get offset(): number {
    return this.#offset;
  }

  /** A cursor at the beginning: every line of the file is new. */
  static atStart(path: string): LogCursor {
    return new LogCursor(path, 0, null);
  }

  /**
   * A cursor after the last complete line that is in the file now, so only
   * lines written from here on are read. A half-written last line is not
   * skipped: its end will come, and the whole line is then new.
   */
  static async atEnd(path: string): Promise<LogCursor> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch {
      return new LogCursor(path, 0, null);
    }
    try {
      const st = await fh.stat();
      return new LogCursor(path, await endOfLastLine(fh, st.size), st.ino);
    } finally {
      await fh.close();
    }
  }

  /**
   * Reads what was appended since the last read (missing file: nothing yet).
   * Synchronous on purpose: open, fstat, one read of at most 64 KiB and close
   * on a local file take microseconds, while four trips through the thread
   * pool add milliseconds of latency on a busy machine.
   */
  read(): CursorRead {
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'r');
    } catch {
      return { lines: [], more: false, reset: false };
    }
    try {
      const st = fs.fstatSync(fd);
      let reset = false;
      if (st.size < this.#offset || (this.#ino !== null && st.ino !== this.#ino)) {
        this.#offset = 0;
        this.#carry = null;
        reset = true;
      }
      this.#ino = st.ino;
      if (st.size === this.#offset) return { lines: [], more: false, reset };
      const want = Math.min(CHUNK, st.size - this.#offset);
      const buf = Buffer.allocUnsafe(want);
      const bytesRead = fs.readSync(fd, buf, 0, want, this.#offset);
      this.#offset += bytesRead;
      return { lines: this.#split(buf.subarray(0, bytesRead)), more: this.#offset < st.size, reset };
    } finally {
      fs.closeSync(fd);
    }
  }

  #split(bytes: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, start);
      if (nl === -1) break;
      const part = bytes.subarray(start, nl);
      const whole = this.#carry ? Buffer.concat([this.#carry, part]) : part;
      this.#carry = null;
      const end = whole.length > 0 && whole[whole.length - 1] === 0x0d ? whole.length - 1 : whole.length;
      lines.push(whole.toString('utf8', 0, end));
      start = nl + 1;
    }
    if (start < bytes.length) {
      const rest = Buffer.from(bytes.subarray(start));
      this.#carry = this.#carry ? Buffer.concat([this.#carry, rest]) : rest;
      // A runaway line (no newline for megabytes) is cut: the reader reports it as invalid.
      if (this.#carry.length > MAX_LINE) {
        lines.push(this.#carry.toString('utf8', 0, 200));
        this.#carry = null;
      }
    }
    return lines;
  }
}

/** The offset just after the last '\n' at or before `size` (0 when there is none). */
async function endOfLastLine(fh: FileHandle, size: number): Promise<number> {
  let end = size;
  const buf = Buffer.allocUnsafe(CHUNK);
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (nl !== -1) return start + nl + 1;
    end = start;
  }
  return 0;
}

import { closeSync, readSync } from 'node:fs';
import { acquireBuffer, releaseBuffer } from './buffer-pool.js';
import { DEFAULT_MAX_LINE_BYTES, growOverlong, oversizeLineMarker, type OverlongLine } from './oversize-line.js';
import { openRegularSync } from './safe-open.js';

/**
 * Bytes per read. Large enough that a typical session file takes one or two
 * reads, small enough that the strings decoded from one chunk (and what a
 * parser builds from them) stay young garbage: with 1 MiB chunks the peak
 * memory of a backfill grew with the size of its largest session.
 */
export const DEFAULT_CHUNK_SIZE = 128 * 1024;

/** Receives one line (without '\n' and a trailing '\r'), its 1-based number and the byte offset of its start. */
export type OnLine = (line: string, lineNo: number, offset: number) => void;

/**
 * Reads a file's lines one chunk at a time, with synchronous reads.
 *
 * Why synchronous: history import reads thousands of small files, and a
 * round trip through libuv's thread pool (open, read, close) costs more than
 * the read itself; a read of one bounded chunk from the page cache takes
 * microseconds, so the event loop is never held for longer than that. The
 * callers (readLines, the historical adapters) return to the event loop
 * between chunks.
 *
 * Lines are split on the '\n' byte before decoding (a multi-byte character
 * cut by a chunk boundary is never decoded in halves) and decoded straight
 * from the read buffer; only a line that spans chunks is copied.
 */
export class ChunkLineReader {
  #fd: number | null;
  #buf: Buffer | null;
  readonly #chunkSize: number;
  #pos: number;
  /** Offset of the first byte not yet delivered as part of a line. */
  #lineStart: number;
  #lineNo = 0;
  #parts: Buffer[] = [];
  #partLen = 0;
  #done = false;
  readonly #maxLine: number;
  /** The line being skipped for its length: its size so far and its head. */
  #over: OverlongLine | null = null;

  private constructor(fd: number | null, start: number, chunkSize: number, maxLine: number) {
    this.#fd = fd;
    this.#chunkSize = chunkSize;
    this.#maxLine = maxLine;
    this.#buf = fd === null ? null : acquireBuffer(chunkSize);
    this.#pos = start;
    this.#lineStart = start;
    if (fd === null) this.#done = true;
  }

  /**
   * Opens `path` for reading from byte `start`. A missing file reads as
   * empty (history files can vanish between listing and reading); anything
   * but a regular file throws ERR_NOT_REGULAR_FILE, without blocking (see
   * safe-open.ts); any other failure throws ERR_IO. A line longer than
   * `maxLineBytes` (default 64 MiB) is delivered as an oversize marker
   * (see oversize-line.ts), never held whole.
   */
  static open(path: string, options: { start?: number; chunkSize?: number; maxLineBytes?: number } = {}): ChunkLineReader {
    const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    const start = Math.max(0, options.start ?? 0);
    const maxLine = Math.max(1, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    return new ChunkLineReader(openRegularSync(path), start, chunkSize, maxLine);
  }

  /** True once the whole file has been delivered (or the reader closed). */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Reads the next chunk and calls `onLine` for each line it completes; at
   * the end of the file also for a last line without '\n', and the reader
   * closes itself. Returns false when there was nothing left to read.
   */
  readChunk(onLine: OnLine): boolean {
    if (this.#done) return false;
    const buf = this.#buf!;
    let n: number;
    try {
      n = readSync(this.#fd!, buf, 0, this.#chunkSize, this.#pos);
    } catch (err) {
      this.close();
      throw err;
    }
    this.#pos += n;
    let from = 0;
    for (let nl = n === 0 ? -1 : buf.indexOf(10, 0); nl >= 0 && nl < n; nl = buf.indexOf(10, from)) {
      let line: string;
      if (this.#over !== null || this.#partLen + (nl - from) > this.#maxLine) {
        this.#keepHead(buf.subarray(from, nl));
        line = oversizeLineMarker(this.#over!.bytes, this.#over!.head);
        this.#over = null;
      } else if (this.#partLen > 0) {
        this.#parts.push(buf.subarray(from, nl));
        line = decode(Buffer.concat(this.#parts, this.#partLen + (nl - from)));
        this.#parts = [];
        this.#partLen = 0;
      } else {
        const end = nl > from && buf[nl - 1] === 13 ? nl - 1 : nl;
        line = buf.toString('utf8', from, end);
      }
      const offset = this.#lineStart;
      this.#lineStart = this.#pos - n + nl + 1;
      from = nl + 1;
      onLine(line, ++this.#lineNo, offset);
    }
    if (from < n) {
      if (this.#over !== null || this.#partLen + (n - from) > this.#maxLine) {
        this.#keepHead(buf.subarray(from, n));
      } else {
        // Copied: the buffer is refilled by the next read.
        const rest = Buffer.from(buf.subarray(from, n));
        this.#parts.push(rest);
        this.#partLen += rest.length;
      }
    }
    // A short read of a regular file means its end: saves one read per small file.
    if (n < this.#chunkSize) {
      if (this.#partLen > 0 || this.#over !== null) {
        let line: string;
        let len: number;
        if (this.#over !== null) {
          len = this.#over.bytes;
          line = oversizeLineMarker(this.#over.bytes, this.#over.head);
          this.#over = null;
        } else {
          len = this.#partLen;
          line = decode(Buffer.concat(this.#parts, this.#partLen));
        }
        const offset = this.#lineStart;
        this.#lineStart += len;
        this.#parts = [];
        this.#partLen = 0;
        this.close();
        onLine(line, ++this.#lineNo, offset);
      } else {
        this.close();
      }
    }
    return n > 0;
  }

  /** Moves the pending part of an overlong line, plus `more`, into #over (see growOverlong). */
  #keepHead(more: Buffer): void {
    this.#over = growOverlong(this.#over, this.#parts, this.#partLen, more);
    this.#parts = [];
    this.#partLen = 0;
  }

  /** Releases the file and the buffer. Idempotent. */
  close(): void {
    this.#done = true;
    if (this.#buf) releaseBuffer(this.#buf);
    this.#buf = null;
    if (this.#fd !== null) {
      const fd = this.#fd;
      this.#fd = null;
      closeSync(fd);
    }
  }
}

/** Decodes a joined line, dropping a trailing '\r' (CRLF files). */
function decode(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

import { DEFAULT_MAX_LINE_BYTES, growOverlong, oversizeLineMarker, type OverlongLine } from './oversize-line.js';

/**
 * Splits a byte stream into lines on the '\n' byte *before* decoding, so a
 * multi-byte UTF-8 character that arrives split across two chunks is never
 * decoded in halves (0x0A never occurs inside a UTF-8 multi-byte sequence).
 * A trailing partial line is kept (copied) until its newline arrives; one
 * longer than the limit is delivered as an oversize marker (oversize-line.ts).
 */
export class LineSplitter {
  #parts: Buffer[] = [];
  #partLen = 0;
  #lineStart: number;
  readonly #maxLine: number;
  /** The line being skipped for its length: its size so far and its head (see oversize-line.ts). */
  #over: OverlongLine | null = null;

  constructor(startOffset = 0, maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    this.#lineStart = startOffset;
    this.#maxLine = Math.max(1, maxLineBytes);
  }

  /** Byte offset where the pending (incomplete) line starts = bytes fully consumed. */
  get consumed(): number {
    return this.#lineStart;
  }

  /** Bytes held for an incomplete line. */
  get pendingBytes(): number {
    return this.#partLen;
  }

  /**
   * Feeds bytes. `onLine` gets each complete line's bytes (without '\n') and
   * its start offset; the buffer may be reused by the caller afterwards, so
   * `onLine` must decode or copy synchronously.
   */
  push(chunk: Buffer, onLine: (bytes: Buffer, offset: number) => void): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) break;
      let line: Buffer;
      if (this.#over !== null || this.#partLen + (nl - from) > this.#maxLine) {
        this.#keepHead(chunk.subarray(from, nl));
        this.#deliverOver(onLine);
        from = nl + 1;
        continue;
      }
      if (this.#partLen > 0) {
        this.#parts.push(chunk.subarray(from, nl));
        line = Buffer.concat(this.#parts, this.#partLen + (nl - from));
        this.#parts = [];
        this.#partLen = 0;
      } else {
        line = chunk.subarray(from, nl);
      }
      const offset = this.#lineStart;
      this.#lineStart += line.length + 1;
      onLine(line, offset);
      from = nl + 1;
    }
    if (from < chunk.length && (this.#over !== null || this.#partLen + (chunk.length - from) > this.#maxLine)) {
      this.#keepHead(chunk.subarray(from));
    } else if (from < chunk.length) {
      // Copy: the caller reuses its read buffer.
      const rest = Buffer.from(chunk.subarray(from));
      this.#parts.push(rest);
      this.#partLen += rest.length;
    }
  }

  /** Takes the pending partial line (if any) as a final line without '\n'. */
  flush(onLine: (bytes: Buffer, offset: number) => void): void {
    if (this.#over !== null) {
      const over = this.#over;
      this.#over = null;
      const offset = this.#lineStart;
      this.#lineStart += over.bytes;
      onLine(Buffer.from(oversizeLineMarker(over.bytes, over.head)), offset);
      return;
    }
    if (this.#partLen === 0) return;
    const line = Buffer.concat(this.#parts, this.#partLen);
    this.#parts = [];
    this.#partLen = 0;
    const offset = this.#lineStart;
    this.#lineStart += line.length;
    onLine(line, offset);
  }

  /** Moves the pending part of an overlong line, plus `more`, into #over (see growOverlong). */
  #keepHead(more: Buffer): void {
    this.#over = growOverlong(this.#over, this.#parts, this.#partLen, more);
    this.#parts = [];
    this.#partLen = 0;
  }

  /** Hands on the overlong line just ended (at a '\n') as its marker. */
  #deliverOver(onLine: (bytes: Buffer, offset: number) => void): void {
    const over = this.#over!;
    this.#over = null;
    const offset = this.#lineStart;
    this.#lineStart += over.bytes + 1;
    onLine(Buffer.from(oversizeLineMarker(over.bytes, over.head)), offset);
  }

  /** Drops any pending bytes and restarts counting at `offset`. */
  reset(offset = 0): void {
    this.#over = null;
    this.#parts = [];
    this.#partLen = 0;
    this.#lineStart = offset;
  }
}

/** Decodes one line's bytes, dropping a trailing '\r' (CRLF files). */
export function decodeLine(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

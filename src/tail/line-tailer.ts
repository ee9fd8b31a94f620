import { createHash } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { decodeLine, LineSplitter } from './line-splitter.js';
import { openRegular } from './safe-open.js';

export interface LineTailerOptions {
  /** Start reading at this byte offset (default 0). Lines before it count as never delivered. */
  fromOffset?: number;
  /** Bytes per read call (default 64 KiB). */
  chunkSize?: number;
  /**
   * Most bytes one `read()` consumes (default 8 MiB), so a huge file that is
   * already there does not become one huge array; `more` says to call again.
   */
  maxBytesPerRead?: number;
  /**
   * Longest line (default 64 MiB, `DEFAULT_MAX_LINE_BYTES`): a longer one is
   * returned as an oversize marker (`parseOversizeLine`; the provider parsers
   * make it a parse_warning with its size and head), never held whole.
   */
  maxLineBytes?: number;
}

export interface TailReadResult {
  /** Complete lines, without '\n', in file order. */
  lines: string[];
  /** The file shrank or was replaced: reading restarted at byte 0 (already delivered lines are skipped). */
  reset: boolean;
  /** More bytes were already available than `maxBytesPerRead`: call `read()` again. */
  more: boolean;
}

/** Bytes kept from just before the read position, and from the file's start: see #stillSameFile. */
const SIG_BYTES = 256;
const HEAD_BYTES = 4096;
const EMPTY: TailReadResult = Object.freeze({ lines: [], reset: false, more: false }) as TailReadResult;

/**
 * Incremental reader for an append-only log that another process writes.
 * Consumes complete lines only, keeping a half-written last line for the next
 * read (a CLI flushes in arbitrary chunks). Detects truncation, replacement
 * (a different inode) and rewrites in place, also when the file regrew past
 * the old read position before this poll: the bytes just before that position
 * or the file's first bytes changed (one of them always differs once the
 * content differs anywhere in a line-structured log: a rewrite that kept both
 * the first 4 KiB and the 256 bytes before our position wrote what we read);
 * it then restarts at 0 and skips lines it has already
 * delivered, by a multiset of line hashes, so a reader never sees a line twice.
 * Reads are serialized; a missing file is not an error (nothing yet).
 */
export class LineTailer {
  readonly path: string;
  readonly #chunkSize: number;
  readonly #maxBytes: number;
  readonly #splitter: LineSplitter;
  #pos: number;
  #identity: string | undefined;
  #sig: Buffer = Buffer.alloc(0);
  /** The file's first bytes as read, up to HEAD_BYTES (or up to #pos). */
  #head: Buffer | undefined;
  readonly #delivered = new Map<string, number>();
  #skip: Map<string, number> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** The file as it was when the last read reached its end (see #unchanged). */
  #seen: Stats | undefined;

  constructor(path: string, options: LineTailerOptions = {}) {
    this.path = path;
    this.#pos = Math.max(0, options.fromOffset ?? 0);
    this.#splitter = new LineSplitter(this.#pos, options.maxLineBytes);
    this.#chunkSize = Math.max(1, options.chunkSize ?? 64 * 1024);
    this.#maxBytes = Math.max(1, options.maxBytesPerRead ?? 8 * 1024 * 1024);
  }

  /** Bytes consumed: the offset just after the last delivered line. */
  get offset(): number {
    return this.#splitter.consumed;
  }

  /**
   * Reads what is new. With `flush: true` (at finalize) a trailing line that
   * has no '\n' yet is returned as well.
   */
  read(options: { flush?: boolean } = {}): Promise<TailReadResult> {
    const next = this.#queue.then(() => this.#read(options.flush === true));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Cheap check for the common idle poll: one stat, no open, no read. The file
   * is unchanged when it is the same inode with the same size, mtime and ctime
   * as when the last read reached its end (a rewrite in place changes ctime,
   * which no one can set back). A missing file reads as nothing, as below.
   */
  #unchanged(): boolean {
    const seen = this.#seen;
    if (seen === undefined || this.#pos !== seen.size) return false;
    const st = statSync(this.path, { throwIfNoEntry: false });
    if (st === undefined) return true;
    return (
      st.ino === seen.ino && st.dev === seen.dev && st.size === seen.size && st.mtimeMs === seen.mtimeMs && st.ctimeMs === seen.ctimeMs
    );
  }

  async #read(flush: boolean): Promise<TailReadResult> {
    if (this.#closed) return EMPTY;
    if (!flush && this.#unchanged()) return EMPTY;
    // Only a regular file, opened without blocking (a FIFO put in its place must not hang the poll).
    const fh: FileHandle | null = await openRegular(this.path);
    if (fh === null) return EMPTY;
    try {
      const st = await fh.stat();
      const identity = `${st.dev}:${st.ino}`;
      let reset = false;
      const replaced = this.#identity !== undefined && this.#identity !== identity;
      if (replaced || st.size < this.#pos || !(await this.#signatureMatches(fh)) || !(await this.#headMatches(fh))) {
        reset = true;
        this.#restart();
      }
      // Started at an offset: the head was never read, take it now to compare later.
      this.#head ??= await this.#readAt(fh, 0, Math.min(this.#pos, HEAD_BYTES));
      this.#identity = identity;
      const lines: string[] = [];
      const onLine = (bytes: Buffer): void => {
        const key = createHash('sha1').update(bytes).digest('base64');
        const skipLeft = this.#skip?.get(key);
        if (skipLeft !== undefined) {
          if (skipLeft <= 1) this.#skip!.delete(key);
          else this.#skip!.set(key, skipLeft - 1);
          return;
        }
        this.#delivered.set(key, (this.#delivered.get(key) ?? 0) + 1);
        lines.push(decodeLine(bytes));
      };
      const more = await this.#readChunks(fh, st.size, onLine);
      if (flush && !more) {
        this.#splitter.flush(onLine);
      }
      this.#seen = more ? undefined : st;
      return { lines, reset, more };
    } finally {
      await fh.close();
    }
  }

  /** Reads from #pos up to `size` (at most maxBytes); returns true if bytes remain. */
  async #readChunks(fh: FileHandle, size: number, onLine: (bytes: Buffer) => void): Promise<boolean> {
    const limit = Math.min(size, this.#pos + this.#maxBytes);
    const buf = Buffer.allocUnsafe(Math.min(this.#chunkSize, Math.max(1, limit - this.#pos)));
    while (this.#pos < limit) {
      const want = Math.min(buf.length, limit - this.#pos);
      const { bytesRead } = await fh.read(buf, 0, want, this.#pos);
      if (bytesRead === 0) break; // shrank while reading; the next read sees it
      const chunk = buf.subarray(0, bytesRead);
      this.#rememberHead(chunk, this.#pos);
      this.#pos += bytesRead;
      this.#rememberSignature(chunk);
      this.#splitter.push(chunk, onLine);
    }
    return this.#pos < size;
  }

  /** Keeps the last bytes before #pos, to notice a file rewritten in place to the same size or larger. */
  #rememberSignature(chunk: Buffer): void {
    if (chunk.length >= SIG_BYTES) {
      this.#sig = Buffer.from(chunk.subarray(chunk.length - SIG_BYTES));
    } else {
      const joined = Buffer.concat([this.#sig, chunk]);
      this.#sig = Buffer.from(joined.subarray(Math.max(0, joined.length - SIG_BYTES)));
    }
  }

  /** Extends #head with a chunk read at `at`, while the head is not complete. */
  #rememberHead(chunk: Buffer, at: number): void {
    const head = this.#head;
    if (head === undefined || head.length >= HEAD_BYTES || at !== head.length) return;
    this.#head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - at)]);
  }

  async #headMatches(fh: FileHandle): Promise<boolean> {
    const head = this.#head;
    if (head === undefined || head.length === 0) return true;
    const now = await this.#readAt(fh, 0, head.length);
    return now.equals(head);
  }

  async #readAt(fh: FileHandle, at: number, n: number): Promise<Buffer> {
    const buf = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await fh.read(buf, got, n - got, at + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  }

  async #signatureMatches(fh: FileHandle): Promise<boolean> {
    const n = this.#sig.length;
    if (n === 0) return true;
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, this.#pos - n);
    return bytesRead === n && buf.equals(this.#sig);
  }

  #restart(): void {
    // Every line delivered so far may come again in the new content: skip each once.
    this.#skip = new Map(this.#delivered);
    this.#pos = 0;
    this.#sig = Buffer.alloc(0);
    this.#head = Buffer.alloc(0);
    this.#splitter.reset(0);
  }

  /** Stops reading; idempotent. Later reads return nothing. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

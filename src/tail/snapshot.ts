import { stat, type FileHandle } from 'node:fs/promises';
import { openRegular } from './safe-open.js';
import type { Stats } from 'node:fs';
import { SessionLogError } from '../errors.js';

/** What identifies one version of a file: a rewrite changes at least one of these. */
export interface FileSignature {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface Snapshot {
  /** The whole file, decoded as UTF-8. */
  text: string;
  signature: FileSignature;
  /**
   * False when the file changed while it was being read (a writer was
   * mid-rewrite): the text may be a mix of two versions. The next
   * `readIfChanged` reads it again.
   */
  stable: boolean;
}

export interface SnapshotReaderOptions {
  /** Largest file read whole (default 256 MiB); a larger one is an error, not an out-of-memory. */
  maxBytes?: number;
}

function signatureOf(st: Stats): FileSignature {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

export function sameSignature(a: FileSignature | undefined, b: FileSignature | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}

/**
 * Reads a file that its writer rewrites whole (Gemini CLI ≤ 0.38 rewrites
 * `session-*.json` on every change, atomically or by truncate-and-write),
 * only when it changed: size, mtime, ctime or inode differ from the version
 * last returned. Telling whether the content makes sense is the caller's
 * job; this only reports whether the file held still while it was read.
 * A missing file is not an error (nothing yet).
 */
export class SnapshotReader {
  readonly path: string;
  readonly #maxBytes: number;
  #last: FileSignature | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(path: string, options: SnapshotReaderOptions = {}) {
    this.path = path;
    this.#maxBytes = Math.max(1, options.maxBytes ?? 256 * 1024 * 1024);
  }

  /** The signature of the version last returned. */
  get signature(): FileSignature | undefined {
    return this.#last;
  }

  /** The file's content if it changed since the last snapshot returned; null when unchanged or missing. */
  readIfChanged(): Promise<Snapshot | null> {
    const next = this.#queue.then(() => this.#read());
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Forgets the last version, so the next `readIfChanged` reads the file even if it did not change. */
  invalidate(): void {
    this.#last = undefined;
  }

  async #read(): Promise<Snapshot | null> {
    if (this.#closed) return null;
    let before: Stats;
    try {
      before = await stat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new SessionLogError('ERR_IO', `cannot stat ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    if (sameSignature(signatureOf(before), this.#last)) return null;
    // Only a regular file, opened without blocking; missing = replaced between stat and open (atomic rename).
    const fh: FileHandle | null = await openRegular(this.path);
    if (fh === null) return null;
    try {
      const opened = signatureOf(await fh.stat());
      if (opened.size > this.#maxBytes) {
        throw new SessionLogError('ERR_IO', `${this.path} is ${opened.size} bytes, more than ${this.#maxBytes} read whole`);
      }
      const text = await fh.readFile({ encoding: 'utf8' });
      const after = signatureOf(await fh.stat());
      const stable = sameSignature(opened, after) && Buffer.byteLength(text) === opened.size;
      // An unstable read is not remembered, so the next call reads the file again.
      this.#last = stable ? opened : undefined;
      return { text, signature: opened, stable };
    } finally {
      await fh.close();
    }
  }

  /** Stops reading; idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

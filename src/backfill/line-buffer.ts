import { writeSync } from 'node:fs';

/** Capacity of one buffer; it is written out once it holds `DRAIN_AT` bytes. */
const CAPACITY = 256 * 1024;
const DRAIN_AT = 192 * 1024;
/** Buffers kept for reuse; more than that are left to the garbage collector. */
const POOL_MAX = 16;

const pool: Buffer[] = [];

/**
 * Log lines encoded straight into a reused byte buffer: no growing string
 * ropes to flatten and no second UTF-8 copy when writing, so the garbage a
 * backfill leaves per event is the line string alone and the heap stays
 * small however much history goes through it. A line that might not fit
 * (longer than the free room, counting 3 bytes per UTF-16 unit) waits as a
 * string until the next drain.
 */
export class LineBuffer {
  private buf: Buffer | null = pool.pop() ?? Buffer.allocUnsafe(CAPACITY);
  private len = 0;
  private overflow: string[] = [];

  /** Appends `line` and a newline. */
  push(line: string): void {
    const buf = this.buf!;
    if (this.overflow.length === 0 && this.len + line.length * 3 + 1 <= buf.length) {
      this.len += buf.write(line, this.len);
      buf[this.len++] = 10;
    } else {
      this.overflow.push(line + '\n');
    }
  }

  /** True when the buffered lines should be written out now. */
  get full(): boolean {
    return this.len >= DRAIN_AT || this.overflow.length > 0;
  }

  /**
   * Writes everything buffered to `fd` and empties the buffer. Synchronous:
   * one write of at most a buffer's worth is cheaper than a thread-pool round
   * trip, and it keeps the import a plain loop (see ChunkLineReader).
   */
  drainTo(fd: number): void {
    writeAll(fd, this.buf!.subarray(0, this.len));
    this.len = 0;
    if (this.overflow.length > 0) {
      const rest = this.overflow.join('');
      this.overflow = [];
      writeAll(fd, Buffer.from(rest));
    }
  }

  /** The buffered bytes when they are all there is (no overflow), else null. */
  contents(): Buffer | null {
    return this.overflow.length === 0 ? this.buf!.subarray(0, this.len) : null;
  }

  /** Gives the buffer back for reuse. The LineBuffer must not be used afterwards. */
  release(): void {
    if (this.buf && pool.length < POOL_MAX) pool.push(this.buf);
    this.buf = null;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

import type { FileHandle } from 'node:fs/promises';

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

  /** Writes everything buffered to `fh` and empties the buffer. */
  async drainTo(fh: FileHandle): Promise<void> {
    await writeAll(fh, this.buf!.subarray(0, this.len));
    this.len = 0;
    if (this.overflow.length > 0) {
      const rest = this.overflow.join('');
      this.overflow = [];
      await writeAll(fh, Buffer.from(rest));
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

async function writeAll(fh: FileHandle, bytes: Buffer): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
    off += bytesWritten;
  }
}

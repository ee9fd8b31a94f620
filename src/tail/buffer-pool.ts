/**
 * Reuses read buffers. Streaming thousands of small history files with a
 * fresh 1 MiB buffer each allocates gigabytes of short-lived memory and keeps
 * the garbage collector busy; a few pooled buffers serve them all.
 */
const free = new Map<number, Buffer[]>();
const MAX_FREE_PER_SIZE = 4;

/** A buffer of exactly `size` bytes (contents undefined). Give it back with {@link releaseBuffer}. */
export function acquireBuffer(size: number): Buffer {
  return free.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}

/** Returns a buffer to the pool; it must not be used afterwards. */
export function releaseBuffer(buf: Buffer): void {
  let list = free.get(buf.length);
  if (!list) free.set(buf.length, (list = []));
  if (list.length < MAX_FREE_PER_SIZE) list.push(buf);
}

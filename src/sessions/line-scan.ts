import { open } from 'node:fs/promises';
import { SessionLogError } from '../errors.js';
import type { LinePrefilter } from './types.js';

/** Big reads: the cost per read call matters more than the memory (one chunk in flight). */
const CHUNK = 1 << 20;
const NL = 0x0a;

/** A compiled prefilter: finds the next position of any needle in a chunk. */
interface Finder {
  /** Index of the next hit at or after `from`, or -1. */
  next(from: number): number;
}

type FinderFactory = (data: Buffer) => Finder;

/**
 * Compiles a prefilter. Exact needles are found with Buffer#indexOf on the
 * bytes; ASCII case-insensitive ones in the chunk seen as latin1 and
 * lower-cased (one byte per char, so positions are byte offsets; bytes of
 * UTF-8 sequences, all >= 0x80, never lower-case to ASCII letters).
 */
function compile(prefilter: LinePrefilter): FinderFactory {
  if (prefilter.ignoreCase) {
    // Lower-casing the chunk (a one-byte string: fast) and String#indexOf (Boyer-Moore-Horspool)
    // beat a case-insensitive regular expression several times over.
    const lowered = prefilter.needles.map((n) => n.toLowerCase());
    return (data) => {
      const text = data.toString('latin1').toLowerCase();
      if (lowered.length === 1) {
        const needle = lowered[0]!;
        return { next: (from) => text.indexOf(needle, from) };
      }
      return {
        next(from) {
          let best = -1;
          for (const n of lowered) {
            const h = text.indexOf(n, from);
            if (h !== -1 && (best === -1 || h < best)) best = h;
          }
          return best;
        },
      };
    };
  }
  const needles = prefilter.needles.map((n) => Buffer.from(n, 'utf8'));
  if (needles.length === 1) {
    const needle = needles[0]!;
    return (data) => ({ next: (from) => data.indexOf(needle, from) });
  }
  return (data) => {
    // Each needle's next hit is cached until the scan passes it.
    const hits = needles.map(() => -2);
    return {
      next(from) {
        let best = -1;
        for (let i = 0; i < needles.length; i++) {
          if (hits[i]! !== -1 && hits[i]! < from) hits[i] = data.indexOf(needles[i]!, from);
          const h = hits[i]!;
          if (h !== -1 && (best === -1 || h < best)) best = h;
        }
        return best;
      },
    };
  };
}

/**
 * The lines of a file, in batches, reading big chunks. With a prefilter only
 * lines holding a needle are decoded; the others are never turned into
 * strings. A last line without a newline is included (the parser decides).
 * Memory: one chunk plus the longest line.
 */
export async function* scanLines(
  path: string,
  prefilter: LinePrefilter | null,
  signal?: AbortSignal,
): AsyncGenerator<string[]> {
  const finder = prefilter && prefilter.needles.length > 0 ? compile(prefilter) : null;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    // A session listed in an index whose log is gone has nothing to search.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SessionLogError('ERR_IO', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    let carry: Buffer | null = null;
    for (;;) {
      if (signal?.aborted) throw new SessionLogError('ERR_ABORTED', 'search aborted');
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      const eof = bytesRead === 0;
      let data: Buffer = eof ? Buffer.alloc(0) : chunk.subarray(0, bytesRead);
      if (carry) data = eof ? carry : Buffer.concat([carry, data]);
      carry = null;
      if (data.length === 0) return;
      // Only whole lines are scanned; the tail waits for the next chunk.
      const end = eof ? data.length : data.lastIndexOf(NL) + 1;
      if (end === 0) {
        carry = data;
        continue;
      }
      if (end < data.length) carry = data.subarray(end);
      const body = end === data.length ? data : data.subarray(0, end);
      const batch = finder ? hitLines(body, finder(body)) : allLines(body);
      if (batch.length > 0) yield batch;
      if (eof) return;
    }
  } finally {
    await handle.close();
  }
}

function allLines(data: Buffer): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < data.length) {
    let nl = data.indexOf(NL, start);
    if (nl === -1) nl = data.length;
    if (nl > start) out.push(data.toString('utf8', start, nl));
    start = nl + 1;
  }
  return out;
}

function hitLines(data: Buffer, finder: Finder): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const hit = finder.next(from);
    if (hit === -1) return out;
    const start = data.lastIndexOf(NL, hit) + 1;
    let nl = data.indexOf(NL, hit);
    if (nl === -1) nl = data.length;
    out.push(data.toString('utf8', start, nl));
    from = nl + 1;
    if (from >= data.length) return out;
  }
}

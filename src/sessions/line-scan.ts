import { open } from 'node:fs/promises';
import { SessionLogError } from '../errors.js';
import { PrefilterFinder, type ChunkView } from './byte-finder.js';
import type { LinePrefilter } from './types.js';

/** Big reads: the cost per read call matters more than the memory (one chunk in flight). */
const CHUNK = 1 << 20;
const NL = 0x0a;

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
  const finder = prefilter ? new PrefilterFinder(prefilter) : null;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    // A session listed in an index whose log is gone has nothing to search.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SessionLogError('ERR_IO', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    // One buffer, reused for every read (the tail of a chunk's last line moved to its
    // front), grown only for a line longer than it: no garbage per chunk, so the memory
    // stays the same whatever the size of the logs. Decoded lines are copies.
    let buf = newBuffer(CHUNK);
    let folded: Buffer | null = null;
    let have = 0;
    for (;;) {
      if (signal?.aborted) throw new SessionLogError('ERR_ABORTED', 'search aborted');
      if (have === buf.length) {
        const bigger = newBuffer(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, have, buf.length - have, null);
      const eof = bytesRead === 0;
      const len = have + bytesRead;
      if (len === 0) return;
      // Only whole lines are scanned; the tail waits for the next chunk.
      const end = eof ? len : buf.lastIndexOf(NL, len - 1) + 1;
      if (end === 0) {
        have = len;
        continue;
      }
      const body = buf.subarray(0, end);
      let batch: string[];
      if (finder && !finder.empty) {
        const source = buf;
        const view: ChunkView = {
          data: body,
          end,
          folded: () => {
            if (!folded || folded.length < source.length) folded = newBuffer(source.length);
            foldInto(source, folded, end);
            const f = folded.subarray(0, end);
            view.folded = () => f;
            return f;
          },
        };
        batch = hitLines(view, finder);
      } else {
        batch = allLines(body);
      }
      if (batch.length > 0) yield batch;
      if (eof) return;
      buf.copyWithin(0, end, len);
      have = len - end;
    }
  } finally {
    await handle.close();
  }
}

/** A buffer that starts its own ArrayBuffer (4-aligned, for folding by 32-bit words). */
function newBuffer(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size));
}

/** folded[i] = data[i] | 0x20 for i < end (ASCII upper case to lower case, see byte-finder.ts). */
function foldInto(data: Buffer, folded: Buffer, end: number): void {
  const words = end >>> 2;
  const src = new Int32Array(data.buffer, data.byteOffset, words);
  const dst = new Int32Array(folded.buffer, folded.byteOffset, words);
  for (let i = 0; i < words; i++) dst[i] = src[i]! | 0x20202020;
  for (let i = words << 2; i < end; i++) folded[i] = data[i]! | 0x20;
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

function hitLines(view: ChunkView, finder: PrefilterFinder): string[] {
  const { data } = view;
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const hit = finder.next(view, from);
    if (hit === -1) return out;
    const start = hit === 0 ? 0 : data.lastIndexOf(NL, hit - 1) + 1;
    let nl = data.indexOf(NL, hit);
    if (nl === -1) nl = data.length;
    out.push(data.toString('utf8', start, nl));
    from = nl + 1;
    if (from >= data.length) return out;
  }
}

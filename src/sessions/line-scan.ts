import { open, type FileHandle } from 'node:fs/promises';
import { SessionLogError } from '../errors.js';
import { PrefilterFinder, type ChunkView } from './byte-finder.js';
import type { LinePrefilter } from './types.js';

/** Big reads: the cost per read call matters more than the memory (one chunk in flight). */
const CHUNK = 1 << 20;
const NL = 0x0a;

/** One scan's buffers: the chunk being scanned, the read ahead, and the folded copy (when needed). */
interface ScanBuffers {
  buf: Buffer;
  next: Buffer;
  folded: Buffer | null;
}
/** Buffers of finished scans, for the next ones (a few scans may run at once). */
const SPARE: ScanBuffers[] = [];
const MAX_SPARE = 2;

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
  // The next chunk is read (in the thread pool) while this one is scanned: the read
  // and the scan overlap instead of taking turns.
  let pending: Promise<number> | null = null;
  const buffers = SPARE.pop() ?? { buf: newBuffer(2 * CHUNK), next: newBuffer(CHUNK), folded: null };
  try {
    // Buffers reused for every read: `buf` holds the tail of the last chunk's unfinished
    // line then the new bytes, `next` the read ahead. No garbage per chunk, so the memory
    // stays the same whatever the size of the logs (decoded lines are copies). `buf`
    // grows only for a line longer than a chunk.
    let buf = buffers.buf;
    const next = buffers.next;
    let folded = buffers.folded;
    let have = 0;
    const readAhead = (h: FileHandle): Promise<number> => h.read(next, 0, CHUNK, null).then((r) => r.bytesRead);
    pending = readAhead(handle);
    for (;;) {
      if (signal?.aborted) throw new SessionLogError('ERR_ABORTED', 'search aborted');
      const bytesRead = pending ? await pending : 0;
      pending = null;
      const eof = bytesRead === 0;
      if (have + bytesRead > buf.length) {
        const bigger = newBuffer(2 * (have + bytesRead));
        buf.copy(bigger, 0, 0, have);
        buf = buffers.buf = bigger;
      }
      next.copy(buf, have, 0, bytesRead);
      const len = have + bytesRead;
      if (!eof) pending = readAhead(handle);
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
            if (!folded || folded.length < source.length) folded = buffers.folded = newBuffer(source.length);
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
    // A read still in flight (the loop was left early) must end before the descriptor closes.
    await pending?.catch(() => undefined);
    await handle.close();
    // Kept for the next file unless grown for a huge line: megabytes of buffers per
    // file, left to the garbage collector, made the peak memory grow with the logs.
    if (SPARE.length < MAX_SPARE && buffers.buf.length === 2 * CHUNK) SPARE.push(buffers);
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

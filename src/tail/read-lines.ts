import { open, type FileHandle } from 'node:fs/promises';
import { SessionLogError } from '../errors.js';
import { acquireBuffer, releaseBuffer } from './buffer-pool.js';
import { decodeLine, LineSplitter } from './line-splitter.js';

export interface ReadLinesOptions {
  signal?: AbortSignal;
  /** Byte offset to start at (default 0). `lineNo` then counts from 1 at that offset. */
  start?: number;
  /** Bytes per read (default 1 MiB). Memory use is about this plus the longest line. */
  chunkSize?: number;
}

export interface LineRecord {
  /** The line's text, without '\n' (and without a trailing '\r'). */
  line: string;
  /** 1-based line number, counted from `start`. */
  lineNo: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
}

const DEFAULT_CHUNK = 1 << 20;

/**
 * Streams a file line by line with bounded memory: fixed-size chunk reads,
 * never the whole file in one string. Lines longer than a chunk are joined.
 * The last line is returned even without a trailing '\n'. A missing file
 * yields nothing (history files can vanish between listing and reading).
 * Aborting `signal` ends the iteration with `SessionLogError('ERR_ABORTED')`;
 * the file handle is closed on every path, including an early `break`.
 */
export async function* readLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<LineRecord> {
  const { signal } = options;
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK);
  const start = Math.max(0, options.start ?? 0);
  throwIfAborted(signal);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SessionLogError('ERR_IO', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
  const buf = acquireBuffer(chunkSize);
  try {
    const splitter = new LineSplitter(start);
    let pos = start;
    let lineNo = 0;
    let batch: LineRecord[] = [];
    const collect = (bytes: Buffer, offset: number): void => {
      batch.push({ line: decodeLine(bytes), lineNo: ++lineNo, offset });
    };
    for (;;) {
      throwIfAborted(signal);
      const { bytesRead } = await fh.read(buf, 0, chunkSize, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      splitter.push(buf.subarray(0, bytesRead), collect);
      const lines = batch;
      batch = [];
      for (const rec of lines) {
        throwIfAborted(signal);
        yield rec;
      }
      // A short read of a regular file means its end: saves one read call per
      // small file (most session files fit in one chunk).
      if (bytesRead < chunkSize) break;
    }
    splitter.flush(collect);
    for (const rec of batch) yield rec;
  } finally {
    releaseBuffer(buf);
    await fh.close();
  }
}

/** Throws the library's abort error when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SessionLogError('ERR_ABORTED', 'operation aborted', { cause: signal.reason });
  }
}

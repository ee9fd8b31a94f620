import { SessionLogError } from '../errors.js';
import { giveTurnIfDue } from './turns.js';
import { ChunkLineReader, DEFAULT_CHUNK_SIZE } from './line-chunks.js';

export interface ReadLinesOptions {
  signal?: AbortSignal;
  /** Byte offset to start at (default 0). `lineNo` then counts from 1 at that offset. */
  start?: number;
  /** Bytes per read (default 128 KiB). Memory use is about this plus the longest line. */
  chunkSize?: number;
  /**
   * Longest line read (default 64 MiB, `DEFAULT_MAX_LINE_BYTES`). A longer
   * line is yielded as an oversize marker (`parseOversizeLine` tells its size
   * and head; the provider parsers make it a parse_warning), so memory stays
   * bounded whatever the file holds.
   */
  maxLineBytes?: number;
}

export interface LineRecord {
  /** The line's text, without '\n' (and without a trailing '\r'). */
  line: string;
  /** 1-based line number, counted from `start`. */
  lineNo: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
}

/**
 * Streams a file line by line with bounded memory: fixed-size chunk reads,
 * never the whole file in one string. Lines longer than a chunk are joined.
 * The last line is returned even without a trailing '\n'. Only regular files
 * are read (ERR_NOT_REGULAR_FILE otherwise, without blocking). A missing file
 * yields nothing (history files can vanish between listing and reading).
 * Aborting `signal` ends the iteration with `SessionLogError('ERR_ABORTED')`;
 * the file is closed on every path, including an early `break`.
 *
 * Each chunk is read synchronously (see `ChunkLineReader`: a thread-pool
 * round trip per read cost more than the read for the many small files of a
 * history) and its lines are then yielded one by one.
 */
export async function* readLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<LineRecord> {
  const { signal } = options;
  throwIfAborted(signal);
  const reader = ChunkLineReader.open(path, {
    start: options.start,
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    maxLineBytes: options.maxLineBytes,
  });
  try {
    let batch: LineRecord[] = [];
    const collect = (line: string, lineNo: number, offset: number): void => {
      batch.push({ line, lineNo, offset });
    };
    while (!reader.done) {
      throwIfAborted(signal);
      reader.readChunk(collect);
      const lines = batch;
      batch = [];
      for (const rec of lines) {
        throwIfAborted(signal);
        yield rec;
      }
      await giveTurnIfDue();
    }
  } finally {
    reader.close();
  }
}

/** Throws the library's abort error when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SessionLogError('ERR_ABORTED', 'operation aborted', { cause: signal.reason });
  }
}

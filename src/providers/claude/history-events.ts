import { SOURCE_TIMES, batchedEvents, spanOf, type BatchedEvents, type EventBatch, type TimedEvents } from '../shared/event-batches.js';
import type { LogEventInput, LogSourceKind, SourceTimes } from '../../schema/index.js';
import { ChunkLineReader } from '../../tail/line-chunks.js';
import { stampWithFileTime, throwIfAborted, type ParsedEvent } from '../shared/index.js';
import { ClaudeParser } from './parser.js';

export interface FileSpec {
  path: string;
  subagentId?: string;
  /** The main file's session id, and the earlier sessions whose repeated records it keeps (see ClaudeParserOptions). */
  fileSessionId?: string;
  keepRecordsOf?: string[];
}

/** The events of one file's line, stamped with the time of the latest record read so far. */
interface LineBatch {
  t: number;
  events: ParsedEvent[];
}

/** One file read chunk by chunk through its own parser. */
class FileEvents {
  readonly #reader: ChunkLineReader;
  readonly #parser: ClaudeParser;
  readonly #path: string;
  #ended = false;
  /** Merge mode: line batches read but not taken yet. */
  readonly #queue: LineBatch[] = [];
  #head = 0;
  #t = Number.NEGATIVE_INFINITY;

  constructor(spec: FileSpec) {
    this.#parser = new ClaudeParser({
      source: 'backfill',
      subagentId: spec.subagentId,
      fileSessionId: spec.fileSessionId,
      keepRecordsOf: spec.keepRecordsOf,
    });
    this.#reader = ChunkLineReader.open(spec.path);
    this.#path = spec.path;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** First and last record times of this file read so far. */
  get times(): SourceTimes {
    return { startedAt: this.#parser.meta.startedAt, endedAt: this.#parser.meta.endedAt };
  }

  /** Reads one chunk and appends its events (and, at the end of the file, the parser's last ones) to `out`. */
  readInto(out: ParsedEvent[]): void {
    const parser = this.#parser;
    this.#reader.readChunk((line) => {
      const events = parser.push(line);
      for (let i = 0; i < events.length; i++) out.push(events[i]!);
    });
    if (this.#reader.done && !this.#ended) {
      this.#ended = true;
      for (const e of stampWithFileTime(parser.end(), this.#path)) out.push(e);
    }
  }

  /**
   * Merge mode: the next line batch; `undefined` when none is read yet (call
   * `fill`), `null` once the file is done.
   */
  head(): LineBatch | null | undefined {
    if (this.#head < this.#queue.length) return this.#queue[this.#head];
    return this.#ended ? null : undefined;
  }

  take(): void {
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
  }

  /** Merge mode: reads one chunk into line batches. */
  fill(): void {
    const parser = this.#parser;
    this.#reader.readChunk((line) => {
      const events = parser.push(line);
      if (events.length === 0) return;
      const at = parser.meta.endedAt === undefined ? Number.NaN : Date.parse(parser.meta.endedAt);
      if (!Number.isNaN(at)) this.#t = at;
      this.#queue.push({ t: this.#t, events });
    });
    if (this.#reader.done && !this.#ended) {
      this.#ended = true;
      const rest = stampWithFileTime(parser.end(), this.#path);
      if (rest.length > 0) this.#queue.push({ t: this.#t, events: rest });
    }
  }

  close(): void {
    this.#reader.close();
  }
}

/** Events gathered per `next()` when merging several files, so each array is worth an await. */
const MERGE_BATCH = 512;

/**
 * A session's events: one file streamed as is, several merged by record
 * time (never reordering lines of one file; ties go to the earlier file, the
 * main one first). Every iteration opens the files afresh; each step reads
 * and parses at most one chunk per file, synchronously. The iterable also
 * says how to make it again in a worker thread (EVENT_SOURCE: this function,
 * with `specs`).
 */
export function sessionEvents(
  specs: FileSpec[],
  signal?: AbortSignal,
): AsyncIterable<[LogSourceKind, LogEventInput, string?]> & BatchedEvents & TimedEvents {
  const portable = { module: import.meta.url, name: 'sessionEvents', args: [specs] };
  // The files of the iteration in progress; once it ends only their times are kept, not
  // their parsers (whose state, kept alive with the session, made the heap grow with the history).
  let current: FileEvents[] = [];
  let times: SourceTimes = {};
  const events = batchedEvents(() => {
    throwIfAborted(signal);
    const files: FileEvents[] = [];
    current = files;
    try {
      for (const spec of specs) files.push(new FileEvents(spec));
    } catch (err) {
      for (const f of files) f.close();
      current = [];
      throw err;
    }
    const close = (): void => {
      for (const f of files) f.close();
      if (current === files) {
        times = spanOf(files.map((f) => f.times));
        current = [];
      }
    };
    if (files.length === 1) {
      const file = files[0]!;
      return {
        next(): EventBatch | null {
          throwIfAborted(signal);
          if (file.ended) return null;
          const out: ParsedEvent[] = [];
          file.readInto(out);
          return out;
        },
        close,
      };
    }
    return {
      next(): EventBatch | null {
        throwIfAborted(signal);
        const out: ParsedEvent[] = [];
        while (out.length < MERGE_BATCH) {
          let pick = -1;
          let best: LineBatch | undefined;
          for (let i = 0; i < files.length; i++) {
            const f = files[i]!;
            let h = f.head();
            if (h === undefined) {
              f.fill();
              h = f.head();
              // Still nothing (a chunk without a complete event line): the order cannot be decided yet.
              if (h === undefined) return out;
            }
            if (h === null) continue;
            if (pick < 0 || h.t < best!.t) {
              pick = i;
              best = h;
            }
          }
          if (pick < 0) return out.length > 0 ? out : null;
          files[pick]!.take();
          for (const e of best!.events) out.push(e);
        }
        return out;
      },
      close,
    };
  }, portable);
  return Object.assign(events, {
    [SOURCE_TIMES]: (): SourceTimes => (current.length > 0 ? spanOf(current.map((f) => f.times)) : times),
  });
}

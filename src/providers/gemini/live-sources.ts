import type { LogSink } from '../../schema/index.js';
import { readRegularFile } from '../../tail/safe-open.js';
import { LineTailer, readLines } from '../../tail/index.js';
import { SnapshotReader } from '../../tail/snapshot.js';
import { emitParsed } from '../shared/index.js';
import type { BaselineEntry } from './discovery.js';
import { createGeminiJsonlParser } from './jsonl-parser.js';
import { createGeminiSnapshotParser } from './snapshot-parser.js';
import type { GeminiJsonlParser, GeminiSessionMeta, GeminiSnapshotParser } from './types.js';

/**
 * A legacy file that failed to parse is only reported once it has held still
 * this long: Gemini may be between the truncate and the last write of a
 * rewrite, and the next poll will read the finished document.
 */
const BROKEN_STABLE_MS = 1_000;

/** What the live adapter reads one session file through. */
export interface Source {
  drain(sink: LogSink, final: boolean): Promise<void>;
  close(): Promise<void>;
  readonly meta: Readonly<GeminiSessionMeta>;
}

/** A JSONL session file (v0.39+), tailed line by line. */
export class JsonlSource implements Source {
  readonly #path: string;
  readonly #parser: GeminiJsonlParser;
  #tailer: LineTailer | undefined;

  constructor(path: string, agentId?: string) {
    this.#path = path;
    this.#parser = createGeminiJsonlParser({ source: 'provider_file', agentId });
  }

  get meta(): Readonly<GeminiSessionMeta> {
    return this.#parser.meta;
  }

  /**
   * Feeds what earlier runs wrote to the parser without emitting it (so later
   * updates of those messages stay de-duplicated), then tails the rest: the
   * complete lines of a resumed file's old bytes, or the legacy JSON this
   * JSONL was migrated from.
   */
  async prime(baseline: BaselineEntry | undefined, migratedFrom: string | undefined): Promise<void> {
    let from = 0;
    if (baseline) from = await replayPrefix(this.#path, baseline.size, this.#parser);
    else if (migratedFrom) for (const line of await migrationLines(migratedFrom)) this.#parser.push(line);
    if (baseline || migratedFrom) this.#parser.end();
    this.#tailer = new LineTailer(this.#path, { fromOffset: from });
  }

  async drain(sink: LogSink, final: boolean): Promise<void> {
    this.#tailer ??= new LineTailer(this.#path);
    for (;;) {
      const { lines, more } = await this.#tailer.read({ flush: final });
      for (const line of lines) emitParsed(sink, this.#parser.push(line));
      if (!more) break;
    }
    if (final) emitParsed(sink, this.#parser.end(), this.#path);
  }

  async close(): Promise<void> {
    await this.#tailer?.close();
  }
}

/**
 * Pushes the complete lines among the first `size` bytes; returns the offset
 * just after the last of them, where this run's lines begin.
 */
async function replayPrefix(path: string, size: number, parser: GeminiJsonlParser): Promise<number> {
  let boundary = 0;
  for await (const { line, offset } of readLines(path)) {
    const end = offset + Buffer.byteLength(line) + 1;
    if (end > size) break;
    parser.push(line);
    boundary = end;
  }
  return boundary;
}

/** The lines Gemini appends when it migrates a legacy JSON session to JSONL: its header, then every message. */
async function migrationLines(jsonPath: string): Promise<string[]> {
  try {
    const doc = JSON.parse((await readRegularFile(jsonPath)) ?? '') as Record<string, unknown>;
    const { messages, ...header } = doc;
    return [JSON.stringify(header), ...(Array.isArray(messages) ? messages.map((m) => JSON.stringify(m)) : [])];
  } catch {
    return [];
  }
}

/** A legacy `session-*.json` (≤ 0.38), re-read whenever the CLI rewrote it. */
export class SnapshotSource implements Source {
  readonly #reader: SnapshotReader;
  readonly #parser: GeminiSnapshotParser;
  /** The last version read did not parse; reported once it stays that way. */
  #broken: { text: string; mtimeMs: number; reported: boolean } | undefined;
  /** The file as it was before this run: its first version, if still that one, is history. */
  #baseline: BaselineEntry | undefined;

  constructor(path: string, baseline: BaselineEntry | undefined) {
    this.#reader = new SnapshotReader(path);
    this.#parser = createGeminiSnapshotParser({ source: 'provider_file' });
    this.#baseline = baseline;
  }

  get meta(): Readonly<GeminiSessionMeta> {
    return this.#parser.meta;
  }

  async drain(sink: LogSink, final: boolean): Promise<void> {
    // At the end the writer has exited: whatever the file holds now is final.
    if (final && this.#broken && !this.#broken.reported) this.#reader.invalidate();
    const snap = await this.#reader.readIfChanged();
    if (snap) {
      let doc: unknown;
      try {
        doc = JSON.parse(snap.text);
      } catch {
        doc = undefined;
      }
      if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
        this.#broken = undefined;
        const base = this.#baseline;
        this.#baseline = undefined;
        const sig = snap.signature;
        if (base && base.size === sig.size && base.mtimeMs === sig.mtimeMs && base.ino === sig.ino) {
          this.#parser.pushSnapshot(doc); // earlier runs: known, not emitted
          this.#parser.end();
        } else {
          emitParsed(sink, this.#parser.pushSnapshot(doc));
        }
      } else {
        this.#broken = { text: snap.text, mtimeMs: snap.signature.mtimeMs, reported: false };
      }
    }
    const b = this.#broken;
    // Unchanged since it failed to parse (readIfChanged returned nothing new), and quiet for a while.
    if (b && !b.reported && (final || (!snap && Date.now() - b.mtimeMs >= BROKEN_STABLE_MS))) {
      b.reported = true;
      emitParsed(sink, this.#parser.pushText(b.text));
    }
    if (final) emitParsed(sink, this.#parser.end(), this.#reader.path);
  }

  close(): Promise<void> {
    return this.#reader.close();
  }
}

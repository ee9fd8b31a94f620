import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LiveLogAdapter, LiveLogContext, LogSink } from '../../schema/index.js';
import {
  CLOCK_SLACK_MS,
  findById,
  findNewest,
  readHeader,
  searchDirs,
  takeBaseline,
  type BaselineEntry,
  type FoundSession,
} from './discovery.js';
import { JsonlSource, SnapshotSource, type Source } from './live-sources.js';
import { geminiDir } from './paths.js';

interface Active {
  found: FoundSession;
  source: Source;
  /** Chat files already present when this session was picked: a new one appearing later is a `/clear`. */
  known: Set<string>;
}

/**
 * Follows the Gemini CLI session a wrapper started: found by
 * `ctx.providerSessionId`, else by mapping the workspace to its project folder
 * (`projects.json` slug or sha256 folder) and taking the newest chat modified
 * after `ctx.startedAt`. JSONL files are tailed (complete lines only), legacy
 * JSON files re-read when they change.
 *
 * - Resume: a chat file untouched since before `startedAt` holds earlier runs;
 *   what it held then is fed to the parser silently and only what this run
 *   adds is emitted. A file created since then is read from its start, so a
 *   live capture equals the backfill of the file.
 * - Migration: resuming a legacy JSON makes Gemini continue it as
 *   `<same name>.jsonl`; the adapter moves to that file without repeating.
 * - `/clear`: a chat file that appears later in the same folder with a later
 *   start; `session_cleared` is emitted and the new file followed.
 * - Sub-agent files (`chats/<sessionId>/*.jsonl`) are tailed too, their
 *   events marked as sub-agent events (interleaved as they are written,
 *   where a backfill puts them after the parent's).
 */
export class GeminiLiveLogAdapter implements LiveLogAdapter, AsyncDisposable {
  readonly #ctx: LiveLogContext;
  readonly #gemini: string;
  #active: Active | undefined;
  readonly #subagents = new Map<string, JsonlSource>();
  /** Chat files as they were before this run (see takeBaseline). */
  readonly #baseline: Map<string, BaselineEntry>;
  #watch: string[];
  #finished = false;

  constructor(ctx: LiveLogContext) {
    this.#ctx = ctx;
    this.#gemini = geminiDir(ctx.home);
    this.#watch = [join(this.#gemini, 'tmp')];
    const workspace = ctx.workspacePath ?? ctx.root ?? undefined;
    this.#baseline = takeBaseline(this.#gemini, workspace, ctx.startedAt, ctx.providerSessionId?.slice(0, 8));
  }

  async poll(writer: LogSink): Promise<void> {
    if (this.#finished) return;
    if (!this.#active) await this.#discover(writer);
    else await this.#followNewFiles(writer);
    await this.#drain(writer, false);
  }

  /** Reads everything left, including a last line without its newline, then stops. Idempotent. */
  async finalize(writer: LogSink): Promise<void> {
    if (this.#finished) return;
    if (!this.#active) await this.#discover(writer);
    else await this.#followNewFiles(writer);
    await this.#drain(writer, true);
    await this.close();
  }

  watchPaths(): string[] {
    return [...this.#watch];
  }

  /** Releases the files; later polls do nothing. Idempotent. */
  async close(): Promise<void> {
    this.#finished = true;
    await this.#closeMain();
    await this.#closeSubagents();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #discover(writer: LogSink): Promise<void> {
    const workspace = this.#ctx.workspacePath ?? this.#ctx.root ?? undefined;
    const id = this.#ctx.providerSessionId;
    const dirs = await searchDirs(this.#gemini, workspace, !workspace || !!id);
    const found = id ? await findById(dirs, id) : await findNewest(dirs, this.#ctx.startedAt);
    if (!found) {
      this.#watch = workspace ? dirs.map((d) => join(d, 'chats')) : [join(this.#gemini, 'tmp')];
      return;
    }
    await this.#open(found, writer);
  }

  async #open(found: FoundSession, writer: LogSink, migratedFrom?: string): Promise<void> {
    const chats = join(found.projectDir, 'chats');
    const names = await readdir(chats).catch(() => [] as string[]);
    const baseline = this.#baseline.get(found.path);
    let source: Source;
    if (found.format === 'jsonl') {
      const jsonl = new JsonlSource(found.path);
      const legacy = join(chats, `${found.stem}.json`);
      await jsonl.prime(baseline, migratedFrom ?? (!baseline && this.#baseline.has(legacy) ? legacy : undefined));
      source = jsonl;
    } else {
      source = new SnapshotSource(found.path, baseline);
    }
    this.#active = { found, source, known: new Set(names.map((n) => join(chats, n))) };
    this.#watch = [found.path, chats];
    await writer.addSourcePath(found.path);
  }

  /**
   * Looks for chat files that appeared since the followed one was picked: the
   * JSONL continuation of a legacy JSON, or a session started later (`/clear`).
   */
  async #followNewFiles(writer: LogSink): Promise<void> {
    const active = this.#active!;
    const chats = join(active.found.projectDir, 'chats');
    const names = await readdir(chats).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const path = join(chats, name);
      if (active.known.has(path) || !/^session-.*\.jsonl?$/.test(name)) continue;
      const format = name.endsWith('.jsonl') ? 'jsonl' : 'json';
      const header = await readHeader(path, format);
      if (!header?.sessionId) continue; // not written yet: look again next poll
      active.known.add(path);
      const oldId = active.source.meta.sessionId;
      const stem = name.replace(/\.jsonl?$/, '');
      const next: FoundSession = { path, format, projectDir: active.found.projectDir, stem };
      if (header.sessionId === oldId) {
        if (active.found.format === 'json' && format === 'jsonl' && stem === active.found.stem) {
          await this.#drain(writer, true);
          await this.#closeMain();
          await this.#open(next, writer, active.found.path);
          return;
        }
        continue;
      }
      const st = await stat(path).catch(() => undefined);
      if (!st || st.mtimeMs < this.#ctx.startedAt.getTime() - CLOCK_SLACK_MS) continue;
      const oldStart = active.source.meta.startedAt;
      if (oldStart && header.startTime && header.startTime <= oldStart) continue;
      await this.#drain(writer, true);
      await this.#closeMain();
      await this.#closeSubagents();
      writer.emit('provider_file', { type: 'session_cleared', old_session_id: oldId ?? null, new_session_id: header.sessionId });
      await this.#open(next, writer);
      return;
    }
  }

  async #drain(writer: LogSink, final: boolean): Promise<void> {
    const active = this.#active;
    if (!active) return;
    await active.source.drain(writer, final);
    const id = active.source.meta.sessionId;
    if (id && writer.providerSessionId !== id) await writer.setProviderSessionId(id);
    if (id) await this.#drainSubagents(writer, join(active.found.projectDir, 'chats', id), final);
  }

  async #drainSubagents(writer: LogSink, dir: string, final: boolean): Promise<void> {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const path = join(dir, name);
      if (!name.endsWith('.jsonl') || this.#subagents.has(path)) continue;
      this.#subagents.set(path, new JsonlSource(path, basename(name, '.jsonl')));
      await writer.addSourcePath(path);
      if (!this.#watch.includes(dirname(path))) this.#watch.push(dirname(path));
    }
    for (const source of this.#subagents.values()) await source.drain(writer, final);
  }

  async #closeMain(): Promise<void> {
    const active = this.#active;
    this.#active = undefined;
    await active?.source.close();
  }

  async #closeSubagents(): Promise<void> {
    const sources = [...this.#subagents.values()];
    this.#subagents.clear();
    for (const s of sources) await s.close();
  }
}

import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveLogAdapter, LiveLogContext, LogSink } from '../../schema/index.js';
import { LineTailer, readLines } from '../../tail/index.js';
import { emitParsed, isFile, samePath, type LineParser } from '../shared/index.js';
import { createCodexParser } from './parser.js';
import {
  codexHome,
  dateFolder,
  readHead,
  rolloutsIn,
  walkRolloutsSync,
  type RolloutFile,
} from './paths.js';

/** Clock and mtime slack: a rollout created this long before `startedAt` still counts as this run's. */
const SLACK_MS = 2000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One tailed rollout: the session's own thread, or one of its sub-agent threads. */
interface Tail {
  file: RolloutFile;
  tailer: LineTailer;
  parser: LineParser;
}

/**
 * Tails the rollout of the Codex thread this run drives.
 *
 * Discovery, retried on every poll (Codex 0.17x creates the file lazily, at
 * the first prompt): the file of `ctx.providerSessionId` (anywhere under
 * `sessions/`); else the newest rollout created at or after `startedAt` (by its
 * UUIDv7 thread id, else its name) in today's, yesterday's and the start
 * day's LOCAL-date folders whose `session_meta.cwd` is the workspace and that
 * is not a sub-agent thread; else, for a resume that named no id, a rollout
 * that already existed and has grown since this run started.
 *
 * A resumed thread appends to its old file: what the file held when this
 * adapter was created belongs to earlier runs, so it is fed to the parser
 * silently (tool pairing and token totals stay right) and only what this run
 * appends is emitted. A new file is read from its start, so a live capture
 * equals the backfill of the same file.
 *
 * Sub-agent threads (`spawn_agent`) write their own rollouts whose
 * `session_meta.source.subagent.thread_spawn.parent_thread_id` is this thread
 * (or one of its sub-agents): they are tailed too, and their events are marked
 * as sub-agent events by the parser.
 */
export class CodexLiveLogAdapter implements LiveLogAdapter, AsyncDisposable {
  readonly #ctx: LiveLogContext;
  readonly #sessionsRoot: string;
  /** Rollout path -> size, for the files that existed when this adapter was created. */
  readonly #baseline = new Map<string, number>();
  #main: Tail | undefined;
  readonly #children: Tail[] = [];
  /** Rollouts looked at that are not ours (another thread), so their heads are not re-read. */
  readonly #notOurs = new Set<string>();
  #finalized = false;
  /** The id's file outside the date folders (a resumed old thread), found once at construction. */
  #resumedById: RolloutFile | undefined;

  constructor(ctx: LiveLogContext) {
    this.#ctx = ctx;
    this.#sessionsRoot = join(codexHome(ctx.home), 'sessions');
    this.#takeBaseline();
  }

  /** The rollout(s) once found, else the date folders where the file will appear. */
  watchPaths(): string[] {
    const folders = this.#folders();
    if (!this.#main) return folders;
    return [this.#main.file.path, ...this.#children.map((c) => c.file.path), ...folders];
  }

  /** The discovered rollout, if any. */
  get sourcePath(): string | undefined {
    return this.#main?.file.path;
  }

  async poll(writer: LogSink): Promise<void> {
    if (this.#finalized) return;
    await this.#drainAll(writer, false);
  }

  /** Reads the rest (a last line without '\n' included), flushes the parsers, then stops. Idempotent. */
  async finalize(writer: LogSink): Promise<void> {
    if (this.#finalized) return;
    await this.#drainAll(writer, true);
    this.#finalized = true;
    for (const t of this.#tails()) emitParsed(writer, t.parser.end(), t.file.path);
    await this.close();
  }

  async close(): Promise<void> {
    this.#finalized = true;
    for (const t of this.#tails()) await t.tailer.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #tails(): Tail[] {
    return this.#main ? [this.#main, ...this.#children] : [];
  }

  async #drainAll(writer: LogSink, flush: boolean): Promise<void> {
    if (!this.#main) {
      const found = await this.#discover();
      if (!found) return;
      this.#main = await this.#open(found);
      // session_meta's id is the thread id; the file name's is the fallback.
      const id = (await readHead(found.path, false)).threadId ?? found.threadId;
      if (writer.providerSessionId !== id) await writer.setProviderSessionId(id);
      await writer.addSourcePath(found.path);
    }
    await this.#findChildren(writer);
    for (const t of this.#tails()) await drain(t, writer, flush);
  }

  async #open(file: RolloutFile): Promise<Tail> {
    const parser = createCodexParser({ source: 'provider_file' });
    const known = this.#baseline.get(file.path);
    const from = known === undefined ? 0 : await replaySilently(file.path, known, parser);
    return { file, parser, tailer: new LineTailer(file.path, { fromOffset: from }) };
  }

  #folders(): string[] {
    const now = Date.now();
    const start = this.#ctx.startedAt.getTime();
    const days = [now, now - DAY_MS, start, start - DAY_MS].map((t) => dateFolder(this.#sessionsRoot, new Date(t)));
    return [...new Set(days)];
  }

  async #candidates(): Promise<RolloutFile[]> {
    const lists = await Promise.all(this.#folders().map((f) => rolloutsIn(f)));
    return lists.flat();
  }

  async #discover(): Promise<RolloutFile | undefined> {
    const wantedId = this.#ctx.providerSessionId ?? undefined;
    if (wantedId) {
      const byId = (await this.#candidates()).find((r) => r.threadId === wantedId) ?? this.#resumedById;
      if (byId) return (await isFile(byId.path)) ? byId : undefined;
      return undefined;
    }
    const since = this.#ctx.startedAt.getTime() - SLACK_MS;
    const workspace = this.#ctx.workspacePath ?? this.#ctx.root ?? undefined;
    const all = (await this.#candidates()).sort((a, b) => b.createdMs - a.createdMs);
    for (const r of all) {
      if (r.createdMs < since || this.#notOurs.has(r.path)) continue;
      if (await this.#isOurs(r, workspace)) return r;
    }
    // A resume without an id: an older file that has grown since the start.
    for (const r of all) {
      const before = this.#baseline.get(r.path);
      if (before === undefined || this.#notOurs.has(r.path)) continue;
      const size = (await stat(r.path).catch(() => undefined))?.size ?? before;
      if (size > before && (await this.#isOurs(r, workspace, false))) return r;
    }
    return undefined;
  }

  /** A main (non-sub-agent) thread in the workspace. An unreadable head is retried on the next poll. */
  async #isOurs(r: RolloutFile, workspace: string | undefined, remember = true): Promise<boolean> {
    const head = await readHead(r.path, false);
    if (head.cwd === undefined) return false; // session_meta not written yet
    const ours = !head.subagent && (workspace === undefined || (await samePath(head.cwd, workspace)));
    if (!ours && remember) this.#notOurs.add(r.path);
    return ours;
  }

  /** Starts tailing new sub-agent rollouts of this thread (or of its sub-agents). */
  async #findChildren(writer: LogSink): Promise<void> {
    const family = new Set(this.#tails().map((t) => t.file.threadId));
    const tailed = new Set(this.#tails().map((t) => t.file.path));
    const since = this.#ctx.startedAt.getTime() - SLACK_MS;
    for (const r of await this.#candidates()) {
      if (tailed.has(r.path) || this.#notOurs.has(r.path) || r.createdMs < since) continue;
      const head = await readHead(r.path, false);
      if (head.cwd === undefined && head.threadId === undefined) continue; // not written yet
      if (!head.subagent || !head.parentThreadId || !family.has(head.parentThreadId)) {
        this.#notOurs.add(r.path);
        continue;
      }
      this.#children.push(await this.#open(r));
      family.add(r.threadId);
      await writer.addSourcePath(r.path);
    }
  }

  /**
   * Sizes of the rollouts that exist before the CLI can append (synchronous, in
   * the constructor): the date folders, and the file of `providerSessionId`
   * wherever it is.
   */
  #takeBaseline(): void {
    const files: RolloutFile[] = [];
    for (const folder of this.#folders()) for (const f of walkRolloutsSync(folder, 0)) files.push(f);
    const id = this.#ctx.providerSessionId;
    if (id && !files.some((f) => f.threadId === id)) {
      this.#resumedById = walkRolloutsSync(this.#sessionsRoot).find((f) => f.threadId === id);
      if (this.#resumedById) files.push(this.#resumedById);
    }
    for (const f of files) {
      try {
        const st = statSync(f.path);
        if (st.isFile()) this.#baseline.set(f.path, st.size);
      } catch {
        // vanished meanwhile
      }
    }
  }
}

async function drain(t: Tail, writer: LogSink, flush: boolean): Promise<void> {
  for (;;) {
    const { lines, more } = await t.tailer.read({ flush });
    for (const line of lines) emitParsed(writer, t.parser.push(line));
    if (!more) return;
  }
}

/**
 * Feeds the complete lines within the first `size` bytes to the parser without
 * emitting anything; returns the offset where the new lines begin.
 */
async function replaySilently(path: string, size: number, parser: LineParser): Promise<number> {
  let boundary = 0;
  let prev: string | undefined;
  for await (const { line, offset } of readLines(path)) {
    // The previous line ended where this one starts: inside the prefix or not.
    if (prev !== undefined) {
      if (offset > size) return boundary;
      parser.push(prev);
      boundary = offset;
      prev = undefined;
    }
    if (offset >= size) break;
    prev = line;
  }
  // The file's last line: complete within the prefix only if its '\n' is too.
  if (prev !== undefined && boundary + Buffer.byteLength(prev, 'utf8') + 1 <= size) {
    parser.push(prev);
    boundary += Buffer.byteLength(prev, 'utf8') + 1;
  }
  return boundary;
}


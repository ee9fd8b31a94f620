import { readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveLogAdapter, LiveLogContext, LogSink } from '../../schema/index.js';
import { LineTailer, readLines } from '../../tail/index.js';
import { emitParsed, isFile, samePath } from '../shared/index.js';
import { CopilotParser } from './parser.js';
import { isSafeSessionId } from '../../schema/safe-id.js';
import {
  copilotHome,
  listSessionDirs,
  peekSessionStart,
  readWorkspaceYaml,
  sessionDir,
  type CopilotSessionDir,
} from './paths.js';

/**
 * How far before `startedAt` a file's mtime may lie and still count as
 * written by this run (mtime granularity, a wrapper that stamps startedAt
 * slightly after spawning the CLI).
 */
const SLACK_MS = 2000;

/**
 * Tails the `events.jsonl` of the Copilot session this run drives.
 *
 * Discovery (retried on every poll until found): `ctx.providerSessionId`'s
 * folder; else the session whose `events.jsonl` was modified at or after
 * `startedAt` and whose `workspace.yaml` cwd (or `session.start` cwd) is the
 * workspace, the newest one if several. A resumed session counts: Copilot
 * appends the resume to the same folder and file.
 *
 * Resume: a session file that already existed, untouched, before `startedAt`
 * holds earlier runs, which earlier logs already have. Its content as of the
 * adapter's construction is fed to the parser silently (so tool results,
 * usage de-duplication and the shutdown totals still line up) and only what
 * this run appends is emitted. A file created or modified since `startedAt`
 * is read from its start, so a live capture equals the backfill of the file.
 */
export class CopilotLiveLogAdapter implements LiveLogAdapter, AsyncDisposable {
  readonly #ctx: LiveLogContext;
  readonly #base: string;
  readonly #stateRoot: string;
  readonly #parser = new CopilotParser({ source: 'provider_file' });
  /** events.jsonl path -> size, for session files that were stale when this run started. */
  readonly #baseline: Map<string, number>;
  #session: CopilotSessionDir | undefined;
  #tailer: LineTailer | undefined;
  #finalized = false;

  constructor(ctx: LiveLogContext) {
    this.#ctx = ctx;
    this.#base = copilotHome(ctx.home);
    this.#stateRoot = join(this.#base, 'session-state');
    this.#baseline = this.#takeBaseline();
  }

  /** The events file once discovered, else the session-state folder (a new session appears there). */
  watchPaths(): string[] {
    return this.#session ? [this.#session.events] : [this.#stateRoot];
  }

  /** The discovered session's `events.jsonl`, if any. */
  get sourcePath(): string | undefined {
    return this.#session?.events;
  }

  async poll(writer: LogSink): Promise<void> {
    if (this.#finalized) return;
    await this.#drain(writer, false);
  }

  /** Reads the rest, including a last line without '\n', then stops. Idempotent. */
  async finalize(writer: LogSink): Promise<void> {
    if (this.#finalized) return;
    await this.#drain(writer, true);
    this.#finalized = true;
    emitParsed(writer, this.#parser.end(), this.#session?.events);
    await this.close();
  }

  async close(): Promise<void> {
    this.#finalized = true;
    await this.#tailer?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #drain(writer: LogSink, flush: boolean): Promise<void> {
    if (!this.#tailer) {
      const found = await this.#discover();
      if (!found) return;
      await this.#attach(found, writer);
    }
    const tailer = this.#tailer!;
    for (;;) {
      const { lines, more } = await tailer.read({ flush });
      for (const line of lines) emitParsed(writer, this.#parser.push(line));
      if (!more) break;
    }
  }

  async #attach(s: CopilotSessionDir, writer: LogSink): Promise<void> {
    this.#session = s;
    const stale = this.#baseline.get(s.events);
    const from = stale === undefined ? 0 : await this.#replaySilently(s.events, stale);
    this.#tailer = new LineTailer(s.events, { fromOffset: from });
    if (writer.providerSessionId !== s.id) await writer.setProviderSessionId(s.id);
    await writer.addSourcePath(s.events);
    for (const extra of [s.workspaceYaml, join(s.dir, 'vscode.metadata.json')]) {
      if (await isFile(extra)) await writer.addSourcePath(extra);
    }
  }

  /**
   * Feeds the complete lines of the first `size` bytes to the parser without
   * emitting them; returns the byte offset where this run's lines begin.
   */
  async #replaySilently(path: string, size: number): Promise<number> {
    let prev: { line: string; offset: number } | undefined;
    let boundary = 0;
    for await (const rec of readLines(path)) {
      if (rec.offset > size) break;
      // The previous line ended where this one starts, within the prefix.
      if (prev) {
        this.#parser.push(prev.line);
        boundary = rec.offset;
      }
      prev = rec.offset < size ? { line: rec.line, offset: rec.offset } : undefined;
      if (!prev) break;
    }
    // The prefix's last line counts only if its '\n' is inside the prefix too.
    const end = prev ? prev.offset + Buffer.byteLength(prev.line) + 1 : 0;
    if (prev && end <= size) {
      this.#parser.push(prev.line);
      boundary = end;
    }
    return boundary;
  }

  async #discover(): Promise<CopilotSessionDir | undefined> {
    const id = this.#ctx.providerSessionId;
    if (id && isSafeSessionId(id)) {
      const s = sessionDir(this.#stateRoot, id);
      if (await isFile(s.events)) return s;
    }
    const since = this.#ctx.startedAt.getTime() - SLACK_MS;
    const workspace = this.#ctx.workspacePath ?? this.#ctx.root ?? undefined;
    let best: [number, CopilotSessionDir] | undefined;
    for (const s of await listSessionDirs(this.#base)) {
      const st = await stat(s.events).catch(() => undefined);
      if (!st?.isFile() || st.mtimeMs < since) continue;
      if (best && st.mtimeMs <= best[0]) continue;
      if (workspace && !(await this.#inWorkspace(s, workspace))) continue;
      best = [st.mtimeMs, s];
    }
    return best?.[1];
  }

  async #inWorkspace(s: CopilotSessionDir, workspace: string): Promise<boolean> {
    const cwd = (await readWorkspaceYaml(s.workspaceYaml)).cwd ?? (await peekSessionStart(s.events)).cwd;
    return cwd !== undefined && (await samePath(cwd, workspace));
  }

  /** Sizes of the session files untouched since before `startedAt` (synchronous: before the CLI can append). */
  #takeBaseline(): Map<string, number> {
    const out = new Map<string, number>();
    const since = this.#ctx.startedAt.getTime() - SLACK_MS;
    let names: string[];
    try {
      names = readdirSync(this.#stateRoot);
    } catch {
      return out;
    }
    for (const name of names) {
      const events = join(this.#stateRoot, name, 'events.jsonl');
      try {
        const st = statSync(events);
        if (st.isFile() && st.mtimeMs < since && st.size > 0) out.set(events, st.size);
      } catch {
        // no events file in this folder
      }
    }
    return out;
  }
}


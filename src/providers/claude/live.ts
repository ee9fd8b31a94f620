import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LiveLogAdapter, LiveLogContext, LogSink } from '../../schema/index.js';
import { LineTailer, readLines } from '../../tail/index.js';
import { emitParsed } from '../shared/index.js';
import {
  changedProjectDirs,
  findRegistryEntry,
  findSessionFile,
  readHead,
  readRegistryEntry,
  registryEntryFor,
  sessionFilesIn,
  sessionIdOfPath,
  sessionPathsIn,
} from './discovery.js';
import { ClaudeParser } from './parser.js';
import { quoteId, unsafeSessionIdReason } from '../../schema/safe-id.js';
import { claudeConfigDir, encodeProjectPath, listNewSubagents, sessionIdOfFile } from './paths.js';

/** One followed file: where we are in it and the parser state. */
interface Followed {
  path: string;
  tailer: LineTailer;
  parser: ClaudeParser;
}

/**
 * Follows a running Claude Code session's files and emits their events.
 *
 * Discovery, in order: `ctx.providerSessionId` (its `<id>.jsonl`), then the
 * live registry `sessions/<pid>.json` of a CLI started for this workspace,
 * then the newest session file modified since `startedAt` whose records carry
 * `cwd === ctx.workspacePath`. A file that was last written before the
 * session started (a resumed session) is followed from its current end.
 *
 * `/clear` starts a new file; it is detected whatever `isWorktree` says: the
 * registry's `sessionId` changes, or a new file in the project folder starts
 * with the `/clear` command or links back to the current session (in a
 * worktree, any new file of the workspace counts). The old file is read to
 * its end, `session_cleared` is emitted, and capture goes on in the new file.
 *
 * Sub-agent files (`<session>/subagents/agent-*.jsonl`, or old-layout
 * `agent-*.jsonl` whose records carry the session id) are followed as extra
 * files with their own parser; their events are marked with `markSubagent`
 * and emitted in arrival order after the main file's new lines of each poll.
 */
export class ClaudeLiveLogAdapter implements LiveLogAdapter {
  readonly #ctx: LiveLogContext;
  readonly #projectsRoot: string;
  readonly #sessionsDir: string;
  readonly #startedAtMs: number;
  #main: Followed | undefined;
  #registryPath: string | undefined;
  readonly #subs = new Map<string, Followed>();
  /** Files of the project folder already judged (not a /clear successor, or followed). */
  readonly #judged = new Set<string>();
  /** Unsafe session ids already reported (each once). */
  readonly #rejected = new Set<string>();
  #pendingRejections: string[] = [];
  #watch: string[] = [];

  constructor(ctx: LiveLogContext) {
    this.#ctx = ctx;
    const base = claudeConfigDir(ctx.home);
    this.#projectsRoot = join(base, 'projects');
    this.#sessionsDir = join(base, 'sessions');
    // Whole seconds: some file systems keep mtimes at 1 s resolution.
    this.#startedAtMs = Math.floor(ctx.startedAt.getTime() / 1000) * 1000;
    const workspace = ctx.workspacePath ?? undefined;
    this.#watch = workspace
      ? [join(this.#projectsRoot, encodeProjectPath(workspace)), this.#sessionsDir]
      : [this.#projectsRoot, this.#sessionsDir];
  }

  /** The session file being followed, once found. */
  get sessionPath(): string | undefined {
    return this.#main?.path;
  }

  async poll(writer: LogSink): Promise<void> {
    if (!this.#main) {
      const found = await this.#discover();
      this.#reportRejected(writer);
      if (!found) return;
      await this.#follow(found, writer);
    } else {
      const next = await this.#findClearSuccessor();
      this.#reportRejected(writer);
      if (next) await this.#switchTo(next, writer);
    }
    await this.#drain(this.#main!, writer, false);
    await this.#pollSubagents(writer, false);
  }

  async finalize(writer: LogSink): Promise<void> {
    await this.poll(writer);
    if (!this.#main) return;
    await this.#drain(this.#main, writer, true);
    await this.#pollSubagents(writer, true);
  }

  watchPaths(): string[] {
    return this.#watch;
  }

  /**
   * True when `id` passes the one safe-id rule. A session id read from a
   * provider file (the live registry) becomes part of a path; one that could
   * leave `projects/` (or hold control characters) is never followed, and is
   * reported once, not on every poll.
   */
  #safeId(id: string, from: string): boolean {
    const reason = unsafeSessionIdReason(id);
    if (reason === null) return true;
    if (!this.#rejected.has(id)) {
      this.#rejected.add(id);
      this.#pendingRejections.push(`ignored the unsafe claude session id ${quoteId(id)} from ${from}: ${reason}`);
    }
    return false;
  }

  #reportRejected(writer: LogSink): void {
    for (const message of this.#pendingRejections.splice(0)) {
      writer.emit('provider_file', { type: 'parse_warning', message, raw: null });
    }
  }

  get #workspace(): string | undefined {
    return this.#ctx.workspacePath ?? undefined;
  }

  async #discover(): Promise<string | undefined> {
    const id = this.#ctx.providerSessionId;
    if (id) {
      // Its registry entry, if the CLI keeps one, tells when /clear moves on.
      this.#registryPath ??= (await registryEntryFor(this.#sessionsDir, id))?.path;
      if (!this.#safeId(id, 'the session id given for this run')) return undefined;
      return findSessionFile(this.#projectsRoot, id, this.#workspace);
    }
    const entry = await findRegistryEntry(this.#sessionsDir, this.#workspace, this.#startedAtMs);
    if (entry) {
      // The registry names the session: wait for its file rather than guess another one.
      this.#registryPath = entry.path;
      if (!this.#safeId(entry.sessionId, entry.path)) return undefined;
      return findSessionFile(this.#projectsRoot, entry.sessionId, entry.cwd ?? this.#workspace);
    }
    return this.#newestMatchingFile();
  }

  async #newestMatchingFile(): Promise<string | undefined> {
    const workspace = this.#workspace;
    const candidates = [];
    for (const dir of await changedProjectDirs(this.#projectsRoot, workspace, this.#startedAtMs)) {
      for (const f of await sessionFilesIn(dir)) if (f.mtimeMs >= this.#startedAtMs) candidates.push(f);
    }
    candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const c of candidates) {
      if (workspace === undefined) return c.path;
      const head = await readHead(c.path);
      if (head.cwd === workspace) return c.path;
    }
    return undefined;
  }

  async #follow(path: string, writer: LogSink): Promise<void> {
    const parser = new ClaudeParser();
    let fromOffset = 0;
    try {
      const st = await stat(path);
      // Resumed: earlier runs are parsed silently (tool names, usage and
      // duplicate state stay right) and only what this run adds is emitted.
      if (st.mtimeMs < this.#startedAtMs) fromOffset = await skimUpTo(path, st.size, parser);
    } catch {
      // created later: read from the start
    }
    this.#main = { path, tailer: new LineTailer(path, { fromOffset }), parser };
    this.#judged.add(path);
    // Files already there are not /clear successors.
    for (const p of await sessionPathsIn(dirname(path))) this.#judged.add(p);
    this.#watch = [path, dirname(path)];
    await writer.addSourcePath(path);
    const id = sessionIdOfPath(path);
    if (writer.providerSessionId !== id) await writer.setProviderSessionId(id);
  }

  async #findClearSuccessor(): Promise<string | undefined> {
    const main = this.#main!;
    const currentId = sessionIdOfPath(main.path);
    if (this.#registryPath) {
      const entry = await readRegistryEntry(this.#registryPath);
      if (entry && entry.sessionId !== currentId && this.#safeId(entry.sessionId, entry.path)) {
        const path = await findSessionFile(this.#projectsRoot, entry.sessionId, entry.cwd ?? this.#workspace);
        if (path) return path;
      }
    }
    const cwd = this.#workspace ?? main.parser.meta.cwd;
    const fresh = await sessionFilesIn(dirname(main.path), this.#judged);
    fresh.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const f of fresh) {
      const head = await readHead(f.path);
      if (!head.conversationSeen && !head.linkedSessionIds.includes(currentId)) continue; // not conclusive yet
      this.#judged.add(f.path);
      if (cwd !== undefined && head.cwd !== undefined && head.cwd !== cwd) continue;
      if (head.startsWithClear || head.linkedSessionIds.includes(currentId) || this.#ctx.isWorktree === true) {
        return f.path;
      }
    }
    return undefined;
  }

  async #switchTo(path: string, writer: LogSink): Promise<void> {
    const old = this.#main!;
    await this.#drain(old, writer, true);
    await this.#pollSubagents(writer, true);
    this.#subs.clear();
    writer.emit('provider_file', {
      type: 'session_cleared',
      old_session_id: sessionIdOfPath(old.path),
      new_session_id: sessionIdOfPath(path),
    });
    await this.#follow(path, writer);
  }

  /** Reads what is new in one file; at the end (`last`) also its unterminated last line. */
  async #drain(f: Followed, writer: LogSink, last: boolean): Promise<void> {
    for (;;) {
      const r = await f.tailer.read({ flush: last });
      if (r.reset) {
        writer.emit('provider_file', {
          type: 'provider_status',
          message: 'claude session file shrank or was replaced; re-read from the start, skipping lines already captured',
          data: { kind: 'file_reset', path: f.path },
        });
      }
      for (const line of r.lines) emitParsed(writer, f.parser.push(line));
      if (!r.more) break;
    }
    if (last) emitParsed(writer, f.parser.end(), f.path);
  }

  async #pollSubagents(writer: LogSink, last: boolean): Promise<void> {
    const main = this.#main!;
    const projectDir = dirname(main.path);
    const sessionId = sessionIdOfPath(main.path);
    const found = await listNewSubagents(projectDir, sessionId);
    for (const sub of found) {
      if (!this.#subs.has(sub.path)) await this.#addSub(sub.path, sub.agentId, writer);
    }
    if (found.length > 0) this.#watch = [main.path, projectDir, join(projectDir, sessionId, 'subagents')];
    await this.#oldLayoutSubagents(projectDir, sessionId, writer);
    for (const f of this.#subs.values()) await this.#drain(f, writer, last);
  }

  /** Claude ≤ 2.0: `agent-<id>.jsonl` beside the session file, linked by its records' sessionId. */
  async #oldLayoutSubagents(projectDir: string, sessionId: string, writer: LogSink): Promise<void> {
    let names: string[];
    try {
      names = await readdir(projectDir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /^agent-(.+)\.jsonl$/.exec(name);
      const path = join(projectDir, name);
      if (!m || this.#subs.has(path) || this.#judged.has(path)) continue;
      try {
        if ((await stat(path)).mtimeMs < this.#startedAtMs) {
          this.#judged.add(path);
          continue;
        }
      } catch {
        continue;
      }
      const owner = await sessionIdOfFile(path);
      if (owner === undefined) continue; // not conclusive yet
      if (owner === sessionId) await this.#addSub(path, m[1]!, writer);
      else this.#judged.add(path);
    }
  }

  async #addSub(path: string, agentId: string, writer: LogSink): Promise<void> {
    this.#subs.set(path, { path, tailer: new LineTailer(path), parser: new ClaudeParser({ subagentId: agentId }) });
    await writer.addSourcePath(path);
  }
}

/** Feeds the complete lines before `size` to `parser`, discarding events; returns the bytes consumed. */
async function skimUpTo(path: string, size: number, parser: ClaudeParser): Promise<number> {
  let consumed = 0;
  for await (const { line, offset } of readLines(path)) {
    const end = offset + Buffer.byteLength(line) + 1;
    if (end > size) break;
    parser.push(line);
    consumed = end;
  }
  parser.end();
  return consumed;
}


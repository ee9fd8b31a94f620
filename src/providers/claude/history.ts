import { closeSync, readSync } from 'node:fs';
import { keepRegularFiles, openRegularSync } from '../../tail/safe-open.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackfilledSession, HistoricalBackfillOptions, HistoricalLogAdapter } from '../../schema/index.js';
import { acquireBuffer, releaseBuffer } from '../../tail/buffer-pool.js';
import { throwIfAborted } from '../../tail/read-lines.js';
import { isWithin, obj, str } from '../shared/index.js';
import { SOURCE_TIMES } from '../shared/event-batches.js';
import { sessionEvents, type FileSpec } from './history-events.js';
import { claudeConfigDir, encodeProjectPath, listProjectSessions, type SessionFiles } from './paths.js';
import { ADAPTER_SOURCE, type PortableCall } from '../shared/portable.js';

export interface ClaudeHistoricalOptions {
  /** Replaces the user's home directory (`<home>/.claude`). */
  home?: string;
}

let makeAt: (dir: string) => ClaudeHistoricalLogAdapter;

/** Internal: the adapter reading the already resolved directory `dir` (its ADAPTER_SOURCE factory). */
export function claudeHistoricalAt(dir: string): ClaudeHistoricalLogAdapter {
  return makeAt(dir);
}

/**
 * Imports Claude Code history: every `projects/<enc-cwd>/<sessionId>.jsonl`
 * becomes one backfilled session (`wrapper_session_id` = the session id),
 * together with its sub-agent files (`<sessionId>/subagents/agent-*.jsonl`,
 * or the older `agent-*.jsonl` beside it, linked by their `sessionId`).
 *
 * How sub-agents join the session: each file gets its own parser (so tool
 * ids pair within the file) with every sub-agent event marked by
 * `markSubagent(event, agentId)`; the files are then merged by record
 * timestamp (never reordering lines of one file; ties go to the main file),
 * so a sub-agent's work appears where it happened, between the parent's
 * `Agent` tool call and the notification of its end. Live capture follows
 * the same files as they grow and emits in arrival order.
 *
 * `root` restricts the import to sessions whose cwd is `root` or inside it.
 * `options.filter` is asked before a session's files are opened (only the
 * first lines of old-layout `agent-*.jsonl` files are read, to learn which
 * session they belong to); events are produced lazily, streaming.
 */
export class ClaudeHistoricalLogAdapter implements HistoricalLogAdapter {
  readonly provider = 'claude';
  #base: string;

  constructor(options: ClaudeHistoricalOptions = {}) {
    this.#base = claudeConfigDir(options.home);
  }

  /** How runBackfill makes this adapter again in its worker thread (see shared/portable.ts). */
  get [ADAPTER_SOURCE](): PortableCall {
    return { module: import.meta.url, name: 'claudeHistoricalAt', args: [this.#base] };
  }

  static {
    makeAt = (dir) => {
      const adapter = new ClaudeHistoricalLogAdapter();
      adapter.#base = dir;
      return adapter;
    };
  }

  async *backfill(root?: string | null, options: HistoricalBackfillOptions = {}): AsyncGenerator<BackfilledSession> {
    const { signal, filter, onSkippedFile, imported } = options;
    const projects = join(this.#base, 'projects');
    let dirs: string[];
    try {
      dirs = (await readdir(projects, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return;
    }
    dirs.sort();
    const prefix = root ? encodeProjectPath(root) : undefined;
    for (const dir of dirs) {
      throwIfAborted(signal);
      if (prefix !== undefined && !dir.startsWith(prefix)) continue;
      const sessions = await listProjectSessions(join(projects, dir), signal, onSkippedFile);
      const listed = new Set(sessions.filter((f) => f.main !== undefined).map((f) => f.sessionId));
      for (const files of sessions) {
        throwIfAborted(signal);
        const regular = new Set(keepRegularFiles(filesOf(files), onSkippedFile));
        const specs = fileSpecs(files).filter((s) => regular.has(s.path));
        if (specs.length === 0) continue;
        const sourcePaths = specs.map((s) => s.path);
        if (filter && !(await filter({ provider: this.provider, sourcePaths }))) continue;
        const head = prescan(specs, signal);
        if (root && head.cwd !== undefined && !isWithin(head.cwd, root)) continue;
        const earlier = head.firstSessionId !== files.sessionId && files.main ? head.firstSessionId : undefined;
        if (earlier !== undefined) {
          // Older Claude Code resumed into a new file repeating the earlier session's records. They
          // are that session's; only when its file is gone and it was never imported are they kept here.
          const held = listed.has(earlier) || imported?.(`${this.provider}:${earlier}`) === true;
          specs[0] = { ...specs[0]!, fileSessionId: files.sessionId, keepRecordsOf: held ? [] : [earlier] };
        } else if (files.main) {
          specs[0] = { ...specs[0]!, fileSessionId: files.sessionId };
        }
        const events = sessionEvents(specs, signal);
        yield {
          metadata: {
            provider: this.provider,
            wrapperSessionId: files.sessionId,
            command: 'backfill',
            providerSessionId: files.sessionId,
            workspacePath: head.cwd ?? null,
            model: head.model ?? null,
            resumed: earlier !== undefined,
            backfilled: true,
          },
          completeness: 'full',
          sourcePaths,
          events,
          sourceTimes: () => events[SOURCE_TIMES](),
        };
      }
    }
  }
}

function filesOf(files: SessionFiles): string[] {
  return [...(files.main ? [files.main] : []), ...files.subagents.map((s) => s.path)];
}

function fileSpecs(files: SessionFiles): FileSpec[] {
  const specs: FileSpec[] = files.main ? [{ path: files.main }] : [];
  for (const s of files.subagents) specs.push({ path: s.path, subagentId: s.agentId });
  return specs;
}

interface Head {
  cwd?: string;
  model?: string;
  /** The `sessionId` of the main file's first record that has one. */
  firstSessionId?: string;
}

/** The session's cwd, the model of its first real assistant message, and whose records the main file starts with. */
function prescan(specs: FileSpec[], signal?: AbortSignal): Head {
  const found: Head = {};
  specs.forEach((spec, i) => {
    if (found.cwd !== undefined && found.model !== undefined && i > 0) return;
    scanHead(spec.path, found, signal, i === 0 && spec.subagentId === undefined);
  });
  return found;
}

const CWD = Buffer.from('"cwd":"');
const ASSISTANT = Buffer.from('"type":"assistant"');
const SESSION_ID = Buffer.from('"sessionId":"');
const PRESCAN_LIMIT = 16 * 1024 * 1024;
const PRESCAN_CHUNK = 64 * 1024;
/** The first read: most files name their cwd and model within a few KB, and reading 64 KB of each cost more than parsing the head. */
const PRESCAN_FIRST = 8 * 1024;

/**
 * Finds cwd and model by searching the raw bytes for their keys and decoding
 * only the lines that hold them: a 2.1.x file starts with hundreds of KB of
 * injected context and request blobs before the first assistant line, and
 * decoding all of that twice (here and when parsing) would double the cost.
 * Synchronous reads of bounded chunks (usually one): for the thousands of
 * small files of a history, the thread-pool round trips of async reads cost
 * more than the reads.
 */
function scanHead(path: string, found: Head, signal?: AbortSignal, main = false): void {
  let fd: number | null;
  try {
    fd = openRegularSync(path);
  } catch {
    fd = null; // not a regular file: the event pass reports it
  }
  if (fd === null) return; // vanished: the event pass reports nothing either
  const chunk = acquireBuffer(PRESCAN_CHUNK);
  try {
    let carry = Buffer.alloc(0);
    let pos = 0;
    let want = PRESCAN_FIRST;
    while (pos < PRESCAN_LIMIT) {
      throwIfAborted(signal);
      const bytesRead = readSync(fd, chunk, 0, want, pos);
      const eof = bytesRead < want;
      want = Math.min(2 * want, chunk.length);
      pos += bytesRead;
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const end = eof ? buf.length : buf.lastIndexOf(10) + 1;
      const region = buf.subarray(0, end);
      if (found.cwd === undefined) found.cwd = firstValue(region, CWD, (rec) => str(rec.cwd));
      if (main && found.firstSessionId === undefined) {
        found.firstSessionId = firstValue(region, SESSION_ID, (rec) => str(rec.sessionId));
      }
      if (found.model === undefined) {
        found.model = firstValue(region, ASSISTANT, (rec) => {
          const model = str(obj(rec.message)?.model);
          return str(rec.type) === 'assistant' && model !== '<synthetic>' ? model : undefined;
        });
      }
      const done = found.cwd !== undefined && found.model !== undefined && (!main || found.firstSessionId !== undefined);
      if (done || eof) return;
      carry = Buffer.from(buf.subarray(end));
    }
  } finally {
    releaseBuffer(chunk);
    closeSync(fd);
  }
}

/** The first line of `region` containing `needle` for which `pick` finds a value. */
function firstValue(
  region: Buffer,
  needle: Buffer,
  pick: (record: Record<string, unknown>) => string | undefined,
): string | undefined {
  for (let at = region.indexOf(needle); at >= 0; at = region.indexOf(needle, at + needle.length)) {
    const start = region.lastIndexOf(10, at) + 1;
    let stop = region.indexOf(10, at);
    if (stop < 0) stop = region.length;
    try {
      const value = pick(JSON.parse(region.toString('utf8', start, stop)) as Record<string, unknown>);
      if (value !== undefined) return value;
    } catch {
      // a broken line: try the next occurrence
    }
    at = stop;
  }
  return undefined;
}

import { readdir } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import type {
  BackfilledSession,
  HistoricalBackfillOptions,
  HistoricalLogAdapter,
  LogEventInput,
  LogSourceKind,
} from '../../schema/index.js';
import { readLines } from '../../tail/index.js';
import { throwIfAborted } from '../../tail/read-lines.js';
import { obj, str } from '../shared/index.js';
import { ClaudeParser } from './parser.js';
import { claudeConfigDir, encodeProjectPath, listProjectSessions, type SessionFiles } from './paths.js';

export interface ClaudeHistoricalOptions {
  /** Replaces the user's home directory (`<home>/.claude`). */
  home?: string;
}

interface FileSpec {
  path: string;
  subagentId?: string;
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
  readonly #base: string;

  constructor(options: ClaudeHistoricalOptions = {}) {
    this.#base = claudeConfigDir(options.home);
  }

  async *backfill(root?: string | null, options: HistoricalBackfillOptions = {}): AsyncGenerator<BackfilledSession> {
    const { signal, filter } = options;
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
      for (const files of await listProjectSessions(join(projects, dir), signal)) {
        throwIfAborted(signal);
        const specs = fileSpecs(files);
        const sourcePaths = specs.map((s) => s.path);
        if (filter && !(await filter({ provider: this.provider, sourcePaths }))) continue;
        const head = await prescan(specs, signal);
        if (root && head.cwd !== undefined && !isWithin(head.cwd, root)) continue;
        yield {
          metadata: {
            provider: this.provider,
            wrapperSessionId: files.sessionId,
            command: 'backfill',
            providerSessionId: files.sessionId,
            workspacePath: head.cwd ?? null,
            model: head.model ?? null,
            resumed: false,
            backfilled: true,
          },
          completeness: 'full',
          sourcePaths,
          events: sessionEvents(specs, signal),
        };
      }
    }
  }
}

function fileSpecs(files: SessionFiles): FileSpec[] {
  const specs: FileSpec[] = files.main ? [{ path: files.main }] : [];
  for (const s of files.subagents) specs.push({ path: s.path, subagentId: s.agentId });
  return specs;
}

function isWithin(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The session's cwd and the model of its first real assistant message. */
async function prescan(specs: FileSpec[], signal?: AbortSignal): Promise<{ cwd?: string; model?: string }> {
  let cwd: string | undefined;
  let model: string | undefined;
  for (const spec of specs) {
    for await (const { line } of readLines(spec.path, { signal })) {
      const wantCwd = cwd === undefined && line.includes('"cwd"');
      const wantModel = model === undefined && line.includes('"assistant"') && line.includes('"model"');
      if (!wantCwd && !wantModel) continue;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (wantCwd) cwd = str(rec.cwd);
      if (wantModel && str(rec.type) === 'assistant') {
        const m = str(obj(rec.message)?.model);
        if (m && m !== '<synthetic>') model = m;
      }
      if (cwd !== undefined && model !== undefined) return { cwd, model };
    }
    if (cwd !== undefined && model !== undefined) break;
  }
  return { cwd, model };
}

type Batch = { t: number; events: Array<[LogSourceKind, LogEventInput]> };

/** One file's events in batches, each with the time of the record that produced it. */
async function* fileBatches(spec: FileSpec, signal?: AbortSignal): AsyncGenerator<Batch> {
  const parser = new ClaudeParser({ source: 'backfill', subagentId: spec.subagentId });
  let t = Number.NEGATIVE_INFINITY;
  for await (const { line } of readLines(spec.path, { signal })) {
    const events = parser.push(line);
    if (events.length === 0) continue;
    const at = parser.meta.endedAt === undefined ? Number.NaN : Date.parse(parser.meta.endedAt);
    if (!Number.isNaN(at)) t = at;
    yield { t, events };
  }
  const rest = parser.end();
  if (rest.length > 0) yield { t, events: rest };
}

/** The session's events: one file streamed as is, several merged by timestamp. */
async function* sessionEvents(specs: FileSpec[], signal?: AbortSignal): AsyncGenerator<[LogSourceKind, LogEventInput]> {
  if (specs.length === 1) {
    for await (const batch of fileBatches(specs[0]!, signal)) yield* batch.events;
    return;
  }
  const streams = specs.map((s) => fileBatches(s, signal));
  try {
    const heads = await Promise.all(streams.map((s) => s.next()));
    for (;;) {
      let pick = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (h.done) continue;
        if (pick < 0 || h.value.t < (heads[pick]!.value as Batch).t) pick = i;
      }
      if (pick < 0) return;
      yield* (heads[pick]!.value as Batch).events;
      heads[pick] = await streams[pick]!.next();
    }
  } finally {
    await Promise.all(streams.map((s) => s.return(undefined)));
  }
}

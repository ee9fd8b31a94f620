import { join } from 'node:path';
import type {
  BackfilledSession,
  BackfillCandidate,
  HistoricalBackfillOptions,
  HistoricalLogAdapter,
  LogEventInput,
  LogSourceKind,
} from '../../schema/index.js';
import { isFile, isWithin, parsedLines, throwIfAborted, type ParsedLines } from '../shared/index.js';
import { readPromptHistory, readTuiLog, timedLegacyEvents } from './legacy-logs.js';
import { createCodexParser } from './parser.js';
import { codexHome, readHead, walkRollouts, type RolloutFile } from './paths.js';

export interface CodexAdapterOptions {
  /** Replaces the user's home directory (`<home>/.codex`); default `$CODEX_HOME` or `~/.codex`. */
  home?: string;
}

type Event = [LogSourceKind, LogEventInput, string?];

/** zag's historical adapters write `command: "backfill"`. */
const COMMAND = 'backfill';
import { ADAPTER_SOURCE, type PortableCall } from '../shared/portable.js';
import { isSafeSessionId } from '../../schema/safe-id.js';
import { keepRegularFiles } from '../../tail/safe-open.js';

let makeAt: (dir: string) => CodexHistoricalLogAdapter;

/** Internal: the adapter reading the already resolved directory `dir` (its ADAPTER_SOURCE factory). */
export function codexHistoricalAt(dir: string): CodexHistoricalLogAdapter {
  return makeAt(dir);
}

/**
 * Imports Codex CLI history. Every rollout under `sessions/YYYY/MM/DD/` and
 * `archived_sessions/` is one session (`wrapper_session_id` = the thread id),
 * its events streamed lazily through the parser the live adapter uses; a
 * sub-agent thread is a session of its own, its events marked as sub-agent
 * events. Old versions' `history.jsonl` and `log/codex-tui.log` are read only
 * for threads that have no rollout at all (partial sessions: prompts, tool
 * names, errors). With a `root`, only sessions whose cwd is inside it.
 */
export class CodexHistoricalLogAdapter implements HistoricalLogAdapter {
  readonly provider = 'codex';
  #base: string;

  constructor(options: CodexAdapterOptions = {}) {
    this.#base = codexHome(options.home);
  }

  /** How runBackfill makes this adapter again in its worker thread (see shared/portable.ts). */
  get [ADAPTER_SOURCE](): PortableCall {
    return { module: import.meta.url, name: 'codexHistoricalAt', args: [this.#base] };
  }

  static {
    makeAt = (dir) => {
      const adapter = new CodexHistoricalLogAdapter();
      adapter.#base = dir;
      return adapter;
    };
  }

  async *backfill(root?: string | null, options: HistoricalBackfillOptions = {}): AsyncIterable<BackfilledSession> {
    const { signal, filter, onSkippedFile } = options;
    throwIfAborted(signal);
    const rollouts = await this.#rolloutsOldestFirst(onSkippedFile);
    const threads = new Set<string>();
    for (const r of rollouts) {
      throwIfAborted(signal);
      // An archived copy of a thread that is still in sessions/ is not a second session.
      if (threads.has(r.threadId)) continue;
      if (keepRegularFiles([r.path], onSkippedFile).length === 0) continue;
      threads.add(r.threadId);
      if (filter && !(await filter(candidate([r.path])))) continue;
      const head = await readHead(r.path, true, signal);
      if (root && !(head.cwd !== undefined && isWithin(head.cwd, root))) continue;
      const id = head.threadId && isSafeSessionId(head.threadId) ? head.threadId : r.threadId;
      if (!isSafeSessionId(id)) {
        onSkippedFile?.({ path: r.path, reason: `its thread id ${JSON.stringify(id)} is not a safe session id` });
        continue;
      }
      const events = streamRollout(r.path, signal);
      yield {
        metadata: {
          provider: 'codex',
          wrapperSessionId: id,
          command: COMMAND,
          providerSessionId: id,
          workspacePath: head.cwd ?? null,
          model: head.model ?? null,
          resumed: false,
          backfilled: true,
        },
        completeness: 'full',
        sourcePaths: [r.path],
        events,
        sourceTimes: () => events.meta,
      };
    }
    // Legacy logs record no cwd, so their sessions belong to no project root.
    if (!root) yield* this.#legacySessions(threads, filter, signal, onSkippedFile);
  }

  async #rolloutsOldestFirst(onSkipped: HistoricalBackfillOptions['onSkippedFile']): Promise<RolloutFile[]> {
    const live = await walkRollouts(join(this.#base, 'sessions'), 4, onSkipped);
    const archived = await walkRollouts(join(this.#base, 'archived_sessions'), 4, onSkipped);
    const byAge = (a: RolloutFile, b: RolloutFile) => a.createdMs - b.createdMs || (a.path < b.path ? -1 : 1);
    // sessions/ first, so its copy of a thread wins over an archived one.
    return [...live.sort(byAge), ...archived.sort(byAge)];
  }

  /**
   * One candidate for the legacy files together (they are shared by all
   * threads); if it is let through, one partial session per thread that has
   * prompts in history.jsonl but no rollout.
   */
  async *#legacySessions(
    withRollout: ReadonlySet<string>,
    filter: HistoricalBackfillOptions['filter'],
    signal: AbortSignal | undefined,
    onSkippedFile: HistoricalBackfillOptions['onSkippedFile'],
  ): AsyncIterable<BackfilledSession> {
    const history = join(this.#base, 'history.jsonl');
    const tuiLog = join(this.#base, 'log', 'codex-tui.log');
    if (keepRegularFiles([history], onSkippedFile).length === 0 || !(await isFile(history))) return;
    const sourcePaths = [history];
    if (keepRegularFiles([tuiLog], onSkippedFile).length > 0 && (await isFile(tuiLog))) sourcePaths.push(tuiLog);
    if (filter && !(await filter(candidate(sourcePaths)))) return;
    const prompts = await readPromptHistory(history, (id) => !withRollout.has(id) && isSafeSessionId(id), signal);
    if (prompts.size === 0) return;
    const logs = sourcePaths.length > 1 ? await readTuiLog(tuiLog, new Set(prompts.keys()), signal) : new Map();
    for (const [id, entries] of prompts) {
      throwIfAborted(signal);
      const events: Event[] = timedLegacyEvents([entries, logs.get(id) ?? []], history);
      yield {
        metadata: {
          provider: 'codex',
          wrapperSessionId: id,
          command: COMMAND,
          providerSessionId: id,
          workspacePath: null,
          model: null,
          resumed: false,
          backfilled: true,
        },
        completeness: 'partial',
        sourcePaths,
        events,
      };
    }
  }
}

function candidate(sourcePaths: string[]): BackfillCandidate {
  return { provider: 'codex', sourcePaths };
}

function streamRollout(path: string, signal: AbortSignal | undefined): ParsedLines {
  return parsedLines(path, () => createCodexParser({ source: 'backfill' }), signal);
}

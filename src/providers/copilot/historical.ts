import { readdir, stat } from 'node:fs/promises';
import { keepRegularFiles, notRegularReason, readRegularFile } from '../../tail/safe-open.js';
import { basename, join } from 'node:path';
import type {
  BackfilledSession,
  BackfillCandidate,
  HistoricalBackfillOptions,
  HistoricalLogAdapter,
  LogEventInput,
  LogSourceKind,
} from '../../schema/index.js';
import { SessionLogError } from '../../errors.js';
import { isFile, isWithin, parsedLines, stampWithFileTime, throwIfAborted, type ParsedLines, type SessionMeta } from '../shared/index.js';
import { parseLegacySession } from './legacy.js';
import { createCopilotParser } from './parser.js';
import {
  copilotHome,
  listSessionDirs,
  peekSessionStart,
  readWorkspaceYaml,
  type CopilotSessionDir,
} from './paths.js';

export interface CopilotAdapterOptions {
  /** Replaces the user's home directory (`<home>/.copilot`); default `$COPILOT_HOME` or `~/.copilot`. */
  home?: string;
}

type Event = [LogSourceKind, LogEventInput, string?];

/** zag's historical Copilot adapter writes `command: "backfill"`. */
const COMMAND = 'backfill';
import { ADAPTER_SOURCE, type PortableCall } from '../shared/portable.js';

let makeAt: (dir: string) => CopilotHistoricalLogAdapter;

/** Internal: the adapter reading the already resolved directory `dir` (its ADAPTER_SOURCE factory). */
export function copilotHistoricalAt(dir: string): CopilotHistoricalLogAdapter {
  return makeAt(dir);
}

/**
 * Imports Copilot CLI history: every `session-state/<id>/events.jsonl` is one
 * session (`wrapper_session_id` = the session id), its events streamed lazily
 * through the same parser the live adapter uses. Also the legacy
 * `history-session-state/<id>.json` files, unless the same id has an
 * events.jsonl. With a `root`, only sessions whose cwd is inside it.
 */
export class CopilotHistoricalLogAdapter implements HistoricalLogAdapter {
  readonly provider = 'copilot';
  #base: string;

  constructor(options: CopilotAdapterOptions = {}) {
    this.#base = copilotHome(options.home);
  }

  /** How runBackfill makes this adapter again in its worker thread (see shared/portable.ts). */
  get [ADAPTER_SOURCE](): PortableCall {
    return { module: import.meta.url, name: 'copilotHistoricalAt', args: [this.#base] };
  }

  static {
    makeAt = (dir) => {
      const adapter = new CopilotHistoricalLogAdapter();
      adapter.#base = dir;
      return adapter;
    };
  }

  async *backfill(root?: string | null, options: HistoricalBackfillOptions = {}): AsyncIterable<BackfilledSession> {
    const { signal, filter, onSkippedFile } = options;
    throwIfAborted(signal);
    const sessions = await this.#sessionsOldestFirst(onSkippedFile);
    const ids = new Set(sessions.map((s) => s.id));
    for (const s of sessions) {
      throwIfAborted(signal);
      const sourcePaths = [s.events];
      if (await isFile(s.workspaceYaml)) sourcePaths.push(s.workspaceYaml);
      const vscode = join(s.dir, 'vscode.metadata.json');
      if (await isFile(vscode)) sourcePaths.push(vscode);
      if (filter && !(await filter(candidate(sourcePaths)))) continue;
      const yaml = await readWorkspaceYaml(s.workspaceYaml);
      const start = await peekSessionStart(s.events, signal);
      const cwd = yaml.cwd ?? start.cwd;
      const gitRoot = yaml.git_root ?? start.gitRoot;
      if (root && !(cwd !== undefined && isWithin(cwd, root)) && !(gitRoot !== undefined && isWithin(gitRoot, root))) {
        continue;
      }
      // The folder name is the id Copilot resumes by; the import refuses (and reports) an unsafe one.
      const id = s.id;
      const events = streamEvents(s.events, signal);
      yield {
        metadata: {
          provider: 'copilot',
          wrapperSessionId: id,
          command: COMMAND,
          providerSessionId: id,
          workspacePath: cwd ?? null,
          model: start.model ?? null,
          resumed: false,
          backfilled: true,
        },
        completeness: 'full',
        sourcePaths,
        events,
        sourceTimes: () => events.meta,
      };
    }
    // Legacy sessions record no cwd, so they belong to no project root.
    if (root) return;
    for (const path of keepRegularFiles(await this.#legacyFiles(onSkippedFile), onSkippedFile)) {
      throwIfAborted(signal);
      const id = basename(path, '.json');
      if (ids.has(id)) continue;
      if (filter && !(await filter(candidate([path])))) continue;
      const events = legacyEvents(path, signal);
      yield {
        metadata: {
          provider: 'copilot',
          wrapperSessionId: id,
          command: COMMAND,
          providerSessionId: id,
          workspacePath: null,
          model: null,
          resumed: false,
          backfilled: true,
        },
        completeness: 'full',
        sourcePaths: [path],
        events,
        sourceTimes: () => events.meta,
      };
    }
  }

  async #sessionsOldestFirst(onSkipped: HistoricalBackfillOptions['onSkippedFile']): Promise<CopilotSessionDir[]> {
    const dated: Array<[number, CopilotSessionDir]> = [];
    for (const s of await listSessionDirs(this.#base)) {
      const st = await stat(s.events).catch(() => undefined);
      if (st?.isFile()) dated.push([st.mtimeMs, s]);
      // A FIFO or device is named as such (never opened); a missing file as missing.
      else onSkipped?.({ path: s.events, reason: (st && notRegularReason(s.events)) ?? 'a Copilot session folder without a readable events.jsonl' });
    }
    dated.sort((a, b) => a[0] - b[0] || (a[1].id < b[1].id ? -1 : 1));
    return dated.map(([, s]) => s);
  }

  async #legacyFiles(onSkipped: HistoricalBackfillOptions['onSkippedFile']): Promise<string[]> {
    const dir = join(this.#base, 'history-session-state');
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort();
    const out: string[] = [];
    for (const n of names) {
      if (n.endsWith('.json')) out.push(join(dir, n));
      else onSkipped?.({ path: join(dir, n), reason: 'not a legacy Copilot session file (<id>.json)' });
    }
    return out;
  }
}

function candidate(sourcePaths: string[]): BackfillCandidate {
  return { provider: 'copilot', sourcePaths };
}

function streamEvents(path: string, signal: AbortSignal | undefined): ParsedLines {
  return parsedLines(path, () => createCopilotParser({ source: 'backfill' }), signal);
}

/** A legacy document's events (read when iterated); `meta` holds its times once they are read. */
function legacyEvents(path: string, signal: AbortSignal | undefined): AsyncIterable<Event> & { meta: SessionMeta } {
  let meta: SessionMeta = {};
  return {
    get meta() {
      return meta;
    },
    async *[Symbol.asyncIterator]() {
      throwIfAborted(signal);
      let text: string | null;
      try {
        // A regular file only, read whole up to a bound (see tail/safe-open.ts).
        text = await readRegularFile(path);
      } catch (err) {
        if (err instanceof SessionLogError) throw err;
        throw new SessionLogError('ERR_IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
      }
      // Listed, then gone: nothing to import.
      if (text === null) return;
      throwIfAborted(signal);
      const parsed = parseLegacySession(text, 'backfill');
      meta = parsed.meta;
      // A document without any readable time is dated by the file itself, never by the import.
      yield* stampWithFileTime(parsed.events, path);
    },
  };
}

import { basename, dirname, join } from 'node:path';
import { keepRegularFiles, readRegularFile } from '../../tail/safe-open.js';
import { SessionLogError } from '../../errors.js';
import type {
  BackfilledSession,
  HistoricalBackfillOptions,
  HistoricalLogAdapter,
  LogEventInput,
  LogSourceKind,
  SourceTimes,
} from '../../schema/index.js';
import { readLines } from '../../tail/index.js';
import { isWithin, parsedLines, stampWithFileTime, throwIfAborted, type ParsedEvent, type ParsedLines } from '../shared/index.js';
import { createGeminiJsonlParser } from './jsonl-parser.js';
import {
  geminiDir,
  groupChats,
  listChats,
  listProjectDirs,
  listSubagentFiles,
  projectHash,
  projectRootOf,
  readProjects,
  type ChatSession,
} from './paths.js';
import { createGeminiSnapshotParser } from './snapshot-parser.js';
import type { GeminiSessionMeta } from './types.js';

export interface GeminiAdapterOptions {
  /** Replaces the user's home directory (`<home>/.gemini`); default `$GEMINI_CLI_HOME` or `~`. */
  home?: string;
}

type Event = [LogSourceKind, LogEventInput, string?];

/** zag's historical adapters write `command: "backfill"`. */
const COMMAND = 'backfill';
import { ADAPTER_SOURCE, type PortableCall } from '../shared/portable.js';

let makeAt: (dir: string) => GeminiHistoricalLogAdapter;

/** Internal: the adapter reading the already resolved directory `dir` (its ADAPTER_SOURCE factory). */
export function geminiHistoricalAt(dir: string): GeminiHistoricalLogAdapter {
  return makeAt(dir);
}

/**
 * Imports Gemini CLI history from `<home>/.gemini/tmp/<project>/chats/`: every
 * `session-*.jsonl` (v0.39+) or legacy `session-*.json` is one session
 * (`wrapper_session_id` = Gemini's session id). When both exist, the JSONL is
 * the migrated continuation of the JSON and is the one parsed. Sub-agent
 * files (`chats/<sessionId>/*.jsonl`) join their parent session, their events
 * marked as sub-agent events, after the parent's.
 *
 * `options.filter` is asked before any file of a session is opened; JSONL
 * events are streamed lazily with the same parser the live adapter uses. With
 * a `root`, only sessions whose workspace is `root` or inside it.
 */
export class GeminiHistoricalLogAdapter implements HistoricalLogAdapter {
  readonly provider = 'gemini';
  #gemini: string;

  constructor(options: GeminiAdapterOptions = {}) {
    this.#gemini = geminiDir(options.home);
  }

  /** How runBackfill makes this adapter again in its worker thread (see shared/portable.ts). */
  get [ADAPTER_SOURCE](): PortableCall {
    return { module: import.meta.url, name: 'geminiHistoricalAt', args: [this.#gemini] };
  }

  static {
    makeAt = (dir) => {
      const adapter = new GeminiHistoricalLogAdapter();
      adapter.#gemini = dir;
      return adapter;
    };
  }

  async *backfill(root?: string | null, options: HistoricalBackfillOptions = {}): AsyncGenerator<BackfilledSession> {
    const { signal, filter, onSkippedFile } = options;
    throwIfAborted(signal);
    const projects = await readProjects(this.#gemini);
    for (const dirName of await listProjectDirs(this.#gemini)) {
      throwIfAborted(signal);
      const projectDir = join(this.#gemini, 'tmp', dirName);
      const workspace = await projectRootOf(this.#gemini, dirName, projects);
      // Skip a whole project without listing it when its root is known to be elsewhere.
      if (root && workspace !== undefined && !isWithin(workspace, root)) continue;
      for (const chat of groupChats(await listChats(projectDir, onSkippedFile))) {
        throwIfAborted(signal);
        const subagents = keepRegularFiles(await listSubagentFiles(projectDir, chat.shortId), onSkippedFile);
        for (const format of ['jsonl', 'json'] as const) {
          const path = chat[format];
          if (path !== undefined && keepRegularFiles([path], onSkippedFile).length === 0) delete chat[format];
        }
        if (chat.jsonl === undefined && chat.json === undefined) continue;
        const main = chat.jsonl ?? chat.json!;
        const sourcePaths = [main, ...(chat.jsonl && chat.json ? [chat.json] : []), ...subagents];
        if (filter && !(await filter({ provider: this.provider, sourcePaths }))) continue;
        const opened = chat.jsonl ? await openJsonl(chat.jsonl, signal) : await openJson(chat, signal);
        const { meta } = opened;
        if (!meta.sessionId) {
          // Not a session file (zag skips these too); said once, by the run that reads it.
          onSkippedFile?.({ path: main, reason: 'a Gemini chat file without a session id' });
          continue;
        }
        const cwd = workspace ?? meta.cwd;
        if (root && !(cwd !== undefined && isWithin(cwd, root)) && dirName !== projectHash(root)) continue;
        // Only the folder named by the full parent id holds this session's sub-agents.
        const ownSubagents = subagents.filter((p) => basename(dirname(p)) === meta.sessionId);
        yield {
          metadata: {
            provider: this.provider,
            wrapperSessionId: meta.sessionId,
            command: COMMAND,
            providerSessionId: meta.sessionId,
            workspacePath: cwd ?? null,
            model: meta.model ?? null,
            resumed: false,
            backfilled: true,
          },
          completeness: 'full',
          sourcePaths,
          events: sessionEvents(opened.events, ownSubagents, signal),
          sourceTimes: opened.times,
        };
      }
    }
  }
}

interface Opened {
  meta: GeminiSessionMeta;
  events: () => AsyncIterable<Event> | Iterable<Event>;
  /** The session's first and last record times, once `events` has been read. */
  times: () => SourceTimes;
}

/** Reads a JSONL session's head until its id, model and workspace are known; events stream later. */
async function openJsonl(path: string, signal: AbortSignal | undefined): Promise<Opened> {
  const head = createGeminiJsonlParser({ source: 'backfill' });
  for await (const { line } of readLines(path, { signal })) {
    head.push(line);
    const m = head.meta;
    if (m.sessionId && m.model && m.cwd) break;
  }
  const stream = streamJsonl(path, signal);
  return { meta: { ...head.meta }, events: () => stream, times: () => stream.meta };
}

function streamJsonl(path: string, signal: AbortSignal | undefined, agentId?: string): ParsedLines {
  return parsedLines(path, () => createGeminiJsonlParser({ source: 'backfill', agentId }), signal);
}

/**
 * A legacy session is one JSON document, read whole (the format has no other
 * way). A document that does not parse fails this session only: the runner
 * records the error and retries it next time (it may have been mid-rewrite).
 */
async function openJson(chat: ChatSession, signal: AbortSignal | undefined): Promise<Opened> {
  const path = chat.json!;
  throwIfAborted(signal);
  // A regular file only, and at most DEFAULT_MAX_WHOLE_FILE_BYTES: a link to /dev/zero must not fill memory.
  const text = await readRegularFile(path).catch((err: unknown) => {
    throwIfAborted(signal);
    if (err instanceof SessionLogError) throw err;
    throw new SessionLogError('ERR_IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  });
  if (text === null) throw new SessionLogError('ERR_IO', `cannot read ${path}: it vanished`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SessionLogError('ERR_CORRUPT_LINE', `${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parser = createGeminiSnapshotParser({ source: 'backfill' });
  const events: ParsedEvent[] = stampWithFileTime([...parser.pushSnapshot(doc), ...parser.end()], path);
  const meta = { ...parser.meta };
  return { meta, events: () => events, times: () => meta };
}

async function* sessionEvents(
  main: () => AsyncIterable<Event> | Iterable<Event>,
  subagents: string[],
  signal: AbortSignal | undefined,
): AsyncGenerator<Event> {
  throwIfAborted(signal);
  yield* main();
  for (const path of subagents) {
    throwIfAborted(signal);
    yield* streamJsonl(path, signal, basename(path, '.jsonl'));
  }
}

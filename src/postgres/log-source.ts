import path from 'node:path';
import { loadIndex } from '../index-files/index.js';
import { readFileLines } from '../read/lines.js';
import type { AgentLogEvent, SessionLogIndexEntry } from '../schema/index.js';
import { eventRow, type EventRow } from './rows.js';
import type { StoreSessionInput } from './write-sql.js';

/** Our writer puts `seq` first: a line can be skipped by its prefix, without parsing it. */
const SEQ_PREFIX = /^\{"seq":(\d+),/;

export interface LogLineProblem {
  lineNo: number;
  reason: string;
}

/**
 * The events of a local log with `seq > afterSeq`, as rows ready to insert.
 * The row's jsonb is the line as written (no re-serializing); lines that are
 * not valid events are reported and skipped, a torn last line is left alone.
 */
export async function* logRowsAfter(
  logPath: string,
  afterSeq: number,
  onProblem: (p: LogLineProblem) => void,
  signal?: AbortSignal,
  sessionId = path.basename(logPath, '.jsonl'),
): AsyncGenerator<{ row: EventRow; event: AgentLogEvent; bytes: number }> {
  for await (const { line, lineNo, terminated } of readFileLines(logPath, signal)) {
    const bytes = line.length + 1;
    const quick = SEQ_PREFIX.exec(line);
    if (quick && Number(quick[1]) <= afterSeq) continue;
    if (line.trim() === '') continue;
    const parsed = envelopeOf(line);
    if (typeof parsed === 'string') {
      if (terminated) onProblem({ lineNo, reason: parsed });
      continue;
    }
    if (parsed.seq <= afterSeq) continue;
    if (parsed.wrapper_session_id !== sessionId) {
      // Its key would name another session; the store keys rows by the log they come from.
      onProblem({ lineNo, reason: `belongs to session ${JSON.stringify(parsed.wrapper_session_id)}, not ${JSON.stringify(sessionId)}` });
      continue;
    }
    yield { row: eventRow(parsed, line), event: parsed, bytes };
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The envelope checks the store's columns need, by hand: the full schema
 * check (zod) costs more than the rest of a sync together, and every read
 * from the store validates the event anyway (a bad one is reported there).
 * Returns the reason when the line cannot be stored.
 */
export function envelopeOf(line: string): AgentLogEvent | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const e = v as Record<string, unknown>;
  if (typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || e.seq < 1) return 'no valid "seq"';
  if (typeof e.ts !== 'string' || !RFC3339.test(e.ts) || Number.isNaN(Date.parse(e.ts))) return 'no valid "ts"';
  for (const k of ['provider', 'wrapper_session_id', 'source_kind', 'type'] as const) {
    if (typeof e[k] !== 'string' || e[k] === '') return `no valid "${k}"`;
  }
  return e as unknown as AgentLogEvent;
}

/** zag's project name: the folder holding `logs/` under `<base>/projects/`; null for other folders. */
export function projectOfLogsDir(logsDir: string): string | null {
  const parent = path.dirname(path.resolve(logsDir));
  return path.basename(path.dirname(parent)) === 'projects' ? path.basename(parent) : null;
}

/** Index entries by session id; an unreadable index gives none (the logs are still synced). */
export async function indexEntries(logsDir: string): Promise<Map<string, SessionLogIndexEntry>> {
  const map = new Map<string, SessionLogIndexEntry>();
  try {
    for (const e of (await loadIndex(logsDir)).sessions) map.set(e.wrapper_session_id, e);
  } catch {
    // The session rows then carry what the events tell.
  }
  return map;
}

/**
 * A session's row, from its index entry and what its events said so far.
 * Tracks session_started/session_ended and the provider session id as events pass.
 */
export class SessionFacts {
  readonly #id: string;
  readonly #project: string | null;
  #entry: SessionLogIndexEntry | undefined;
  #provider: string | null = null;
  #providerSessionId: string | null = null;
  #startedAt: string | null = null;
  #endedAt: string | null = null;
  #command: string | null = null;
  #model: string | null = null;
  #cwd: string | null = null;
  #backfilled = false;
  /** True when the row has news the store has not seen. */
  dirty = true;

  constructor(id: string, project: string | null, entry?: SessionLogIndexEntry) {
    this.#id = id;
    this.#project = project;
    this.#entry = entry;
  }

  setEntry(entry: SessionLogIndexEntry | undefined): void {
    if (entry) {
      this.#entry = entry;
      this.dirty = true;
    }
  }

  see(event: AgentLogEvent): void {
    if (this.#provider === null) {
      this.#provider = event.provider;
      this.dirty = true;
    }
    if (event.provider_session_id && event.provider_session_id !== this.#providerSessionId) {
      this.#providerSessionId = event.provider_session_id;
      this.dirty = true;
    }
    if (event.type === 'session_started') {
      const e = event as AgentLogEvent & { command?: string; model?: string | null; cwd?: string | null; backfilled?: boolean };
      this.#startedAt = event.ts;
      this.#command = e.command ?? null;
      this.#model = e.model ?? null;
      this.#cwd = e.cwd ?? null;
      this.#backfilled = e.backfilled === true;
      this.dirty = true;
    } else if (event.type === 'session_ended') {
      this.#endedAt = event.ts;
      this.dirty = true;
    }
  }

  get known(): boolean {
    return this.#provider !== null || this.#entry !== undefined;
  }

  row(): StoreSessionInput {
    const e = this.#entry;
    return {
      wrapper_session_id: this.#id,
      provider: e?.provider ?? this.#provider ?? 'unknown',
      project: this.#project,
      provider_session_id: this.#providerSessionId ?? e?.provider_session_id ?? null,
      log_path: e?.log_path ?? null,
      completeness: e?.completeness ?? 'full',
      // The index entry's times are the session's (an import's are its records' times).
      started_at: e?.started_at ?? this.#startedAt,
      ended_at: e?.ended_at ?? this.#endedAt,
      workspace_path: e?.workspace_path ?? this.#cwd,
      command: e?.command ?? this.#command,
      model: this.#model,
      source_paths: e?.source_paths ?? [],
      backfilled: e?.backfilled ?? this.#backfilled,
    };
  }
}

/** Every logs folder under a zag base: `<base>/projects/*\/logs` and `<base>/logs`, those that exist. */
export async function allLogsDirs(baseDir: string): Promise<string[]> {
  const fs = await import('node:fs/promises');
  const dirs: string[] = [];
  try {
    for (const d of await fs.readdir(path.join(baseDir, 'projects'), { withFileTypes: true })) {
      if (d.isDirectory()) dirs.push(path.join(baseDir, 'projects', d.name, 'logs'));
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  dirs.push(path.join(baseDir, 'logs'));
  const out: string[] = [];
  for (const d of dirs) {
    try {
      if ((await fs.stat(path.join(d, 'sessions'))).isDirectory()) out.push(d);
    } catch {
      // No sessions there.
    }
  }
  return out.sort();
}

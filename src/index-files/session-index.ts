import fs from 'node:fs';
import path from 'node:path';
import {
  INDEX_ENTRY_KEYS,
  SessionLogIndexEntrySchema,
  SessionLogIndexSchema,
  type SessionLogIndex,
  type SessionLogIndexEntry,
} from '../schema/index-files.js';
import { LOG_COMPLETENESS_VALUES } from '../schema/enums.js';
import { summarizeLog } from './log-summary.js';
import { readImportedSources, readSessionFacts } from './session-facts.js';
import {
  loadIndexFile,
  spliceIndexFile,
  updateIndexFile,
  type IndexFileOptions,
  type IndexKind,
} from './store.js';

export const INDEX_FILE_NAME = 'index.json';

function orderedEntry(e: SessionLogIndexEntry): Record<string, unknown> {
  return {
    wrapper_session_id: e.wrapper_session_id,
    provider: e.provider,
    provider_session_id: e.provider_session_id ?? null,
    log_path: e.log_path,
    completeness: e.completeness,
    started_at: e.started_at,
    ended_at: e.ended_at ?? null,
    workspace_path: e.workspace_path ?? null,
    command: e.command ?? null,
    source_paths: e.source_paths ?? [],
    backfilled: e.backfilled ?? false,
  };
}

/**
 * One session's entry as its log and our files say (see session-facts.ts):
 * a live session's recorded entry, an imported one's log plus its source
 * files from the backfill state, else the log plus what the old index knew.
 * The log path is always the one inside the folder being rebuilt.
 */
function rebuiltEntry(
  logsDir: string,
  logPath: string,
  summary: SessionLogIndexEntry | null,
  old: SessionLogIndexEntry | undefined,
  importedSources: () => Map<string, string[]>,
): SessionLogIndexEntry | null {
  const id = path.basename(logPath, '.jsonl');
  const facts = readSessionFacts(logsDir, id);
  if (facts && !facts.backfilled) {
    // A session_ended written after the last index write (e.g. a crash in between) still counts.
    return { ...facts, log_path: logPath, ended_at: facts.ended_at ?? summary?.ended_at ?? null };
  }
  if (!summary) {
    // Created but nothing emitted yet: only the old index can describe it.
    return old ? { ...old, log_path: logPath } : null;
  }
  if (summary.backfilled) {
    const key = `${summary.provider}:${summary.provider_session_id ?? summary.wrapper_session_id}`;
    const sources = importedSources().get(key);
    if (sources) return { ...summary, source_paths: sources };
  }
  if (!old) return summary;
  return {
    ...summary,
    command: summary.command ?? old.command,
    workspace_path: summary.workspace_path ?? old.workspace_path,
    source_paths: old.source_paths,
    ended_at: summary.ended_at ?? old.ended_at,
  };
}

/** Builds index entries from `<logsDir>/sessions/*.jsonl`, with what only our other files (or the old index) know. */
async function entriesFromLogs(
  logsDir: string,
  previous: readonly SessionLogIndexEntry[],
): Promise<SessionLogIndexEntry[]> {
  logsDir = path.resolve(logsDir);
  const sessionsDir = path.join(logsDir, 'sessions');
  let names: string[] = [];
  try {
    names = (await fs.promises.readdir(sessionsDir)).filter((n) => n.endsWith('.jsonl'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const byId = new Map(previous.map((e) => [e.wrapper_session_id, e]));
  let sources: Map<string, string[]> | null = null;
  const importedSources = (): Map<string, string[]> => (sources ??= readImportedSources(logsDir));
  const fromLogs = new Map<string, SessionLogIndexEntry>();
  for (const name of names) {
    const logPath = path.join(sessionsDir, name);
    const id = path.basename(name, '.jsonl');
    const entry = rebuiltEntry(logsDir, logPath, summarizeLog(logPath), byId.get(id), importedSources);
    if (entry) fromLogs.set(entry.wrapper_session_id, entry);
  }
  const out: SessionLogIndexEntry[] = [];
  for (const old of previous) {
    const rebuilt = fromLogs.get(old.wrapper_session_id);
    if (rebuilt) {
      out.push(rebuilt);
      fromLogs.delete(old.wrapper_session_id);
    } else if (path.dirname(old.log_path) !== sessionsDir && fs.existsSync(old.log_path)) {
      // An entry whose log lives elsewhere is kept as long as that log exists.
      out.push(old);
    }
  }
  const added = [...fromLogs.values()].sort(
    (a, b) => a.started_at.localeCompare(b.started_at) || a.wrapper_session_id.localeCompare(b.wrapper_session_id),
  );
  return out.concat(added);
}

// The schema's shape is the wire order; an exact entry has these keys in this order.
const ENTRY_KEYS: readonly string[] = INDEX_ENTRY_KEYS;
const COMPLETENESS: ReadonlySet<string> = new Set(LOG_COMPLETENESS_VALUES);
const strOrNull = (v: unknown) => v === null || typeof v === 'string';

/** An entry exactly as the schema would return it: skip the schema (the common case). */
export function isExactEntry(v: unknown): v is SessionLogIndexEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== ENTRY_KEYS.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== ENTRY_KEYS[i]) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.wrapper_session_id === 'string' &&
    typeof e.provider === 'string' &&
    strOrNull(e.provider_session_id) &&
    typeof e.log_path === 'string' &&
    COMPLETENESS.has(e.completeness as string) &&
    typeof e.started_at === 'string' &&
    strOrNull(e.ended_at) &&
    strOrNull(e.workspace_path) &&
    strOrNull(e.command) &&
    Array.isArray(e.source_paths) &&
    e.source_paths.every((p) => typeof p === 'string') &&
    typeof e.backfilled === 'boolean'
  );
}

export const SESSION_INDEX: IndexKind<SessionLogIndexEntry> = {
  isExact: isExactEntry,
  fileName: INDEX_FILE_NAME,
  schema: SessionLogIndexSchema,
  entrySchema: SessionLogIndexEntrySchema,
  ordered: orderedEntry,
  rebuild: (dir) => entriesFromLogs(dir, []),
};

/**
 * Reads `<logsDir>/index.json`. A missing file is an empty index; a corrupt or
 * truncated one is kept beside it (name containing `corrupt`) and rebuilt from
 * the logs. The returned entries are copies the caller may change.
 */
export async function loadIndex(logsDir: string, options: IndexFileOptions = {}): Promise<SessionLogIndex> {
  const entries = await loadIndexFile(SESSION_INDEX, logsDir, options);
  return { sessions: entries.map((e) => ({ ...e, source_paths: [...e.source_paths] })) };
}

/**
 * Rebuilds `<logsDir>/index.json` from `sessions/*.jsonl`, reading only the
 * first and last lines of each log. Entries of a readable current index keep
 * what a log cannot tell (`source_paths`); entries whose log is gone are dropped.
 */
export async function rebuildIndex(logsDir: string, options: IndexFileOptions = {}): Promise<SessionLogIndex> {
  const entries = await updateIndexFile(
    SESSION_INDEX,
    logsDir,
    // A corrupt current index is only moved aside here: the logs are read once, below.
    (previous) => entriesFromLogs(logsDir, previous),
    { ...options, rebuildIfCorrupt: false },
  );
  return { sessions: entries.map((e) => ({ ...e, source_paths: [...e.source_paths] })) };
}

/**
 * Inserts or updates one session's entry (under the lock), splicing its text
 * into the file rather than rewriting every entry. `apply` gets the current
 * entry, if any.
 */
export async function upsertIndexEntry(
  logsDir: string,
  wrapperSessionId: string,
  apply: (existing: SessionLogIndexEntry | undefined) => SessionLogIndexEntry,
  options: IndexFileOptions = {},
): Promise<SessionLogIndexEntry> {
  let written!: SessionLogIndexEntry;
  await spliceIndexFile(
    SESSION_INDEX,
    logsDir,
    'wrapper_session_id',
    wrapperSessionId,
    (existing) => (written = apply(existing)),
    options,
  );
  return written;
}

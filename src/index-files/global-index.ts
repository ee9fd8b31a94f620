import fs from 'node:fs';
import path from 'node:path';
import {
  GLOBAL_ENTRY_KEYS,
  GlobalSessionEntrySchema,
  GlobalSessionIndexSchema,
  type GlobalSessionEntry,
  type GlobalSessionIndex,
} from '../schema/index-files.js';
import { SessionLogError } from '../errors.js';
import { loadIndex, rebuildIndex } from './session-index.js';
import {
  loadIndexFile,
  replaceIndexFile,
  spliceIndexFile,
  type IndexFileOptions,
  type IndexKind,
} from './store.js';

export const GLOBAL_INDEX_FILE_NAME = 'sessions_index.json';

/** zag's project name for a logs dir: the name of the folder that holds `logs/`. */
export function projectNameOf(logsDir: string): string {
  return path.basename(path.dirname(path.resolve(logsDir)));
}

/** `<base>/projects/*\/logs` and `<base>/logs`: every logs dir a global index can point into. */
async function logsDirsUnder(baseDir: string): Promise<string[]> {
  const dirs: string[] = [];
  try {
    for (const d of await fs.promises.readdir(path.join(baseDir, 'projects'), { withFileTypes: true })) {
      if (d.isDirectory()) dirs.push(path.join(baseDir, 'projects', d.name, 'logs'));
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  dirs.push(path.join(baseDir, 'logs'));
  return dirs.filter((d) => fs.existsSync(d));
}

async function rebuildGlobal(baseDir: string, options: IndexFileOptions): Promise<GlobalSessionEntry[]> {
  const out: GlobalSessionEntry[] = [];
  for (const logsDir of await logsDirsUnder(baseDir)) {
    const project = projectNameOf(logsDir);
    // Each project's own index: rebuilt from its logs if it is corrupt, or missing.
    const index = fs.existsSync(path.join(logsDir, 'index.json'))
      ? await loadIndex(logsDir, options)
      : await rebuildIndex(logsDir, options);
    for (const e of index.sessions) {
      out.push({
        session_id: e.wrapper_session_id,
        project,
        log_path: e.log_path,
        provider: e.provider,
        started_at: e.started_at,
      });
    }
  }
  return out.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.session_id.localeCompare(b.session_id));
}

const GLOBAL_KEYS: readonly string[] = GLOBAL_ENTRY_KEYS;

/** A global entry exactly as the schema would return it. */
export function isExactGlobalEntry(v: unknown): v is GlobalSessionEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== GLOBAL_KEYS.length) return false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== GLOBAL_KEYS[i] || typeof (v as Record<string, unknown>)[keys[i]!] !== 'string') return false;
  }
  return true;
}

export const GLOBAL_INDEX: IndexKind<GlobalSessionEntry> = {
  isExact: isExactGlobalEntry,
  fileName: GLOBAL_INDEX_FILE_NAME,
  schema: GlobalSessionIndexSchema,
  entrySchema: GlobalSessionEntrySchema,
  ordered: (e) => ({
    session_id: e.session_id,
    project: e.project,
    log_path: e.log_path,
    provider: e.provider,
    started_at: e.started_at,
  }),
  rebuild: rebuildGlobal,
};

/**
 * Reads `<base>/sessions_index.json`. A missing file is empty; a corrupt one is
 * kept beside it (name containing `corrupt`) and rebuilt from
 * `<base>/projects/*\/logs` and `<base>/logs`.
 */
export async function loadGlobalIndex(baseDir: string, options: IndexFileOptions = {}): Promise<GlobalSessionIndex> {
  const entries = await loadIndexFile(GLOBAL_INDEX, baseDir, options);
  return { sessions: entries.map((e) => ({ ...e })) };
}

/** Replaces `<base>/sessions_index.json` atomically, under its lock. */
export async function saveGlobalIndex(
  baseDir: string,
  index: GlobalSessionIndex,
  options: IndexFileOptions = {},
): Promise<void> {
  const parsed = GlobalSessionIndexSchema.safeParse(index);
  if (!parsed.success) throw new SessionLogError('ERR_INVALID_EVENT', 'invalid global session index');
  await replaceIndexFile(GLOBAL_INDEX, baseDir, parsed.data.sessions, options);
}

/**
 * Inserts an entry, or updates the one with the same `session_id` (zag's
 * semantics), as one locked read-modify-write.
 */
export async function upsertGlobalEntry(
  baseDir: string,
  entry: GlobalSessionEntry,
  options: IndexFileOptions = {},
): Promise<void> {
  const parsed = GlobalSessionEntrySchema.safeParse(entry);
  if (!parsed.success) throw new SessionLogError('ERR_INVALID_EVENT', 'invalid global session entry');
  const next = parsed.data;
  await spliceIndexFile(
    GLOBAL_INDEX,
    baseDir,
    'session_id',
    next.session_id,
    (old) =>
      old &&
      old.project === next.project &&
      old.log_path === next.log_path &&
      old.provider === next.provider &&
      old.started_at === next.started_at
        ? null
        : next,
    options,
  );
}

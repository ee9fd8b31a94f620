import { readdir, stat } from 'node:fs/promises';
import { readRegularFile, SMALL_FILE_BYTES } from '../../tail/safe-open.js';
import { isSafeSessionId } from '../../schema/safe-id.js';
import { basename, join } from 'node:path';
import { readLines } from '../../tail/index.js';
import { num, obj, str } from '../shared/index.js';
import { encodeProjectPath } from './paths.js';

/** How many head lines are looked at to learn what a session file is. */
const HEAD_LINES = 60;

export interface FileHead {
  /** The first `cwd` in the file. */
  cwd?: string;
  sessionId?: string;
  /** The first conversation record was the `/clear` command. */
  startsWithClear: boolean;
  /** A record links back to another session (`session_id` ≠ `sessionId`, seen after /clear). */
  linkedSessionIds: string[];
  /** A user or assistant record was seen (the head is conclusive). */
  conversationSeen: boolean;
}

/** Reads the first lines of a session file (never the whole file). */
export async function readHead(path: string): Promise<FileHead> {
  const head: FileHead = { startsWithClear: false, linkedSessionIds: [], conversationSeen: false };
  let n = 0;
  for await (const { line } of readLines(path, { chunkSize: 64 * 1024 })) {
    if (++n > HEAD_LINES) break;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a torn last line while the CLI writes
    }
    head.cwd ??= str(rec.cwd);
    head.sessionId ??= str(rec.sessionId);
    const linked = str(rec.session_id);
    if (linked && linked !== str(rec.sessionId) && !head.linkedSessionIds.includes(linked)) {
      head.linkedSessionIds.push(linked);
    }
    const type = str(rec.type);
    if ((type === 'user' || type === 'assistant') && !head.conversationSeen) {
      head.conversationSeen = true;
      const content = obj(rec.message)?.content;
      const text = typeof content === 'string' ? content : JSON.stringify(content ?? '');
      head.startsWithClear = text.includes('<command-name>/clear</command-name>');
      // The /clear command is preceded by its caveat line (isMeta): look one further.
      if (rec.isMeta === true) head.conversationSeen = false;
    }
  }
  return head;
}

export interface JsonlEntry {
  path: string;
  mtimeMs: number;
}

/** Paths of the session files (not sub-agent files) of one project folder. */
export async function sessionPathsIn(projectDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(projectDir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.jsonl') && !n.startsWith('agent-')).map((n) => join(projectDir, n));
}

/**
 * Session files of one project folder with their mtimes; `skip` leaves out
 * paths already known, so a poll does not stat a whole history folder.
 */
export async function sessionFilesIn(projectDir: string, skip?: ReadonlySet<string>): Promise<JsonlEntry[]> {
  const out: JsonlEntry[] = [];
  for (const path of await sessionPathsIn(projectDir)) {
    if (skip?.has(path)) continue;
    try {
      const st = await stat(path);
      if (st.isFile()) out.push({ path, mtimeMs: st.mtimeMs });
    } catch {
      // vanished between readdir and stat
    }
  }
  return out;
}

/** Project folders to search, the workspace's own first. */
export async function projectDirs(projectsRoot: string, workspace: string | undefined): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(projectsRoot);
  } catch {
    return [];
  }
  const own = workspace ? encodeProjectPath(workspace) : undefined;
  names.sort((a, b) => Number(b === own) - Number(a === own));
  return names.map((n) => join(projectsRoot, n));
}

/**
 * Project folders in which a file was created since `sinceMs` (creating a
 * file updates its folder's mtime), the workspace's own first: a new session
 * file can only be in one of them, and the others need not be listed.
 */
export async function changedProjectDirs(
  projectsRoot: string,
  workspace: string | undefined,
  sinceMs: number,
): Promise<string[]> {
  const out: string[] = [];
  for (const dir of await projectDirs(projectsRoot, workspace)) {
    try {
      if ((await stat(dir)).mtimeMs >= sinceMs) out.push(dir);
    } catch {
      // removed meanwhile
    }
  }
  return out;
}

/** `<id>.jsonl` in any project folder (the workspace's first), or undefined. */
export async function findSessionFile(
  projectsRoot: string,
  sessionId: string,
  workspace: string | undefined,
): Promise<string | undefined> {
  // The id comes from a provider file (the live registry): one that could leave the folder never becomes a path.
  if (!isSafeSessionId(sessionId)) return undefined;
  for (const dir of await projectDirs(projectsRoot, workspace)) {
    const path = join(dir, `${sessionId}.jsonl`);
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export interface RegistryEntry {
  path: string;
  pid?: number;
  sessionId: string;
  cwd?: string;
  startedAtMs?: number;
}

/** Reads one `sessions/<pid>.json` live-process record (deleted when the CLI exits). */
export async function readRegistryEntry(path: string): Promise<RegistryEntry | undefined> {
  let value: unknown;
  try {
    value = JSON.parse((await readRegularFile(path, SMALL_FILE_BYTES)) ?? '');
  } catch {
    return undefined; // gone, or caught mid-write
  }
  const rec = obj(value);
  const sessionId = str(rec?.sessionId);
  if (!rec || !sessionId) return undefined;
  return { path, pid: num(rec.pid), sessionId, cwd: str(rec.cwd), startedAtMs: num(rec.startedAt) };
}

/**
 * The registry entry of a CLI started for this session: same cwd, started at
 * or after `startedAtMs` (minus a little clock slack); the newest wins.
 */
export async function findRegistryEntry(
  sessionsDir: string,
  workspace: string | undefined,
  startedAtMs: number,
): Promise<RegistryEntry | undefined> {
  let names: string[];
  try {
    names = await readdir(sessionsDir);
  } catch {
    return undefined;
  }
  let best: RegistryEntry | undefined;
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const entry = await readRegistryEntry(join(sessionsDir, name));
    if (!entry) continue;
    if (workspace !== undefined && entry.cwd !== workspace) continue;
    if (entry.startedAtMs !== undefined && entry.startedAtMs < startedAtMs - 5_000) continue;
    if (!best || (entry.startedAtMs ?? 0) > (best.startedAtMs ?? 0)) best = entry;
  }
  return best;
}

/** The registry entry (if any) of the CLI running session `sessionId`. */
export async function registryEntryFor(sessionsDir: string, sessionId: string): Promise<RegistryEntry | undefined> {
  let names: string[];
  try {
    names = await readdir(sessionsDir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const entry = await readRegistryEntry(join(sessionsDir, name));
    if (entry?.sessionId === sessionId) return entry;
  }
  return undefined;
}

/** The session id of a session file: its name. */
export function sessionIdOfPath(path: string): string {
  return basename(path, '.jsonl');
}

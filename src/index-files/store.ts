import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { SessionLogError } from '../errors.js';
import { withFileLock, type LockOptions } from './lock.js';

/** Options shared by every index read-modify-write. */
export interface IndexFileOptions {
  lock?: LockOptions;
  /**
   * fsync the index before renaming it into place. Default false: the rename
   * already makes every reader see a whole file, and an index lost to a power
   * cut is rebuilt from the logs.
   */
  fsync?: boolean;
}

/** One kind of index file (`index.json`, `sessions_index.json`). */
export interface IndexKind<E extends object> {
  readonly fileName: string;
  readonly schema: z.ZodType<{ sessions: E[] }, unknown>;
  /** The entry with its keys in zag's order (serde's declaration order). */
  ordered(entry: E): Record<string, unknown>;
  /** Builds the entries from the logs, when the file is missing or corrupt. */
  rebuild(dir: string, options: IndexFileOptions): Promise<E[]>;
}

type ReadResult<E> =
  | { status: 'missing' }
  | { status: 'ok'; entries: readonly E[] }
  | { status: 'corrupt'; reason: string };

interface CacheSlot<E> {
  key: string;
  entries: readonly E[];
}

/**
 * Parsed indexes keyed by path and by (inode, size, mtime, ctime): an index
 * that nobody changed since we last read or wrote it is not read again.
 */
const cache = new Map<string, CacheSlot<object>>();
/** Each entry's pretty-printed text, so a rewrite only formats changed entries. */
const fragments = new WeakMap<object, string>();

function statKey(st: fs.BigIntStats): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** Reads and validates an index file, through the cache. */
export function readIndexFile<E extends object>(kind: IndexKind<E>, file: string): ReadResult<E> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw new SessionLogError('ERR_IO', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    // fstat and read the same open file, so the key always matches the text.
    const key = statKey(fs.fstatSync(fd, { bigint: true }));
    const hit = cache.get(file);
    if (hit && hit.key === key) return { status: 'ok', entries: hit.entries as readonly E[] };
    const text = fs.readFileSync(fd, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { status: 'corrupt', reason: `not valid JSON (${(err as Error).message})` };
    }
    const parsed = kind.schema.safeParse(value);
    if (!parsed.success) return { status: 'corrupt', reason: 'does not match the index schema' };
    const entries = parsed.data.sessions;
    cache.set(file, { key, entries });
    return { status: 'ok', entries };
  } finally {
    fs.closeSync(fd);
  }
}

function fragmentOf<E extends object>(kind: IndexKind<E>, entry: E): string {
  let text = fragments.get(entry);
  if (text === undefined) {
    // Indented to sit inside `{ "sessions": [ … ] }`; JSON strings never hold a raw newline.
    text = '    ' + JSON.stringify(kind.ordered(entry), null, 2).replace(/\n/g, '\n    ');
    fragments.set(entry, text);
  }
  return text;
}

/** The file's text exactly as serde_json's `to_string_pretty` writes it (2 spaces, no final newline). */
export function formatIndex<E extends object>(kind: IndexKind<E>, entries: readonly E[]): string {
  if (entries.length === 0) return '{\n  "sessions": []\n}';
  const parts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) parts[i] = fragmentOf(kind, entries[i]!);
  return '{\n  "sessions": [\n' + parts.join(',\n') + '\n  ]\n}';
}

async function writeIndexFile<E extends object>(
  kind: IndexKind<E>,
  file: string,
  entries: readonly E[],
  options: IndexFileOptions,
): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Sync on purpose: a handful of syscalls under a held lock, cheaper than
  // async round trips through the thread pool (and the lock is held shorter).
  writeFileAtomic.sync(file, formatIndex(kind, entries), { fsync: options.fsync ?? false });
  try {
    cache.set(file, { key: statKey(fs.statSync(file, { bigint: true })), entries });
  } catch {
    cache.delete(file);
  }
}

function corruptName(file: string): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  return `${file}.corrupt-${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Must hold the lock. Returns the current entries; a corrupt file is renamed
 * beside the index (its name contains `corrupt`) and replaced by a rebuild.
 */
async function loadLocked<E extends object>(
  kind: IndexKind<E>,
  dir: string,
  options: IndexFileOptions,
  rebuildIfCorrupt = true,
): Promise<readonly E[]> {
  const file = path.join(dir, kind.fileName);
  const read = readIndexFile(kind, file);
  if (read.status === 'ok') return read.entries;
  if (read.status === 'missing') return [];
  fs.renameSync(file, corruptName(file));
  cache.delete(file);
  if (!rebuildIfCorrupt) return [];
  const rebuilt = await kind.rebuild(dir, options);
  await writeIndexFile(kind, file, rebuilt, options);
  return rebuilt;
}

/** Reads an index; a missing one is empty, a corrupt one is kept aside and rebuilt (under the lock). */
export async function loadIndexFile<E extends object>(
  kind: IndexKind<E>,
  dir: string,
  options: IndexFileOptions = {},
): Promise<readonly E[]> {
  const file = path.join(dir, kind.fileName);
  const read = readIndexFile(kind, file);
  if (read.status === 'ok') return read.entries;
  if (read.status === 'missing') return [];
  return withFileLock(file, () => loadLocked(kind, dir, options), options.lock);
}

/**
 * Read-modify-write under the cross-process lock. `mutate` returns the new
 * entries, or `null` to leave the file untouched. Entries must be treated as
 * immutable: replace an entry instead of changing it (the cache shares them).
 */
export async function updateIndexFile<E extends object>(
  kind: IndexKind<E>,
  dir: string,
  mutate: (entries: readonly E[]) => readonly E[] | null | Promise<readonly E[] | null>,
  options: IndexFileOptions & { rebuildIfCorrupt?: boolean } = {},
): Promise<readonly E[]> {
  const file = path.join(dir, kind.fileName);
  fs.mkdirSync(dir, { recursive: true });
  return withFileLock(
    file,
    async () => {
      const current = await loadLocked(kind, dir, options, options.rebuildIfCorrupt ?? true);
      const next = await mutate(current);
      if (next === null) return current;
      await writeIndexFile(kind, file, next, options);
      return next;
    },
    options.lock,
  );
}

/** Replaces the whole index, under the lock. */
export async function replaceIndexFile<E extends object>(
  kind: IndexKind<E>,
  dir: string,
  entries: readonly E[],
  options: IndexFileOptions = {},
): Promise<void> {
  const file = path.join(dir, kind.fileName);
  fs.mkdirSync(dir, { recursive: true });
  await withFileLock(file, () => writeIndexFile(kind, file, entries, options), options.lock);
}

import fs from 'node:fs';
import path from 'node:path';
import { SessionLogError } from '../errors.js';
import { ensureOwnDir, openOwnFile, refuseLinked, replaceOwnFileSync } from './own-files.js';
import { formatIndexBytes, parseIndex, type IndexCodec, type ParsedIndex } from './index-text.js';
import { withFileLock, type LockOptions } from './lock.js';
import { spliceEntryInFile } from './splice.js';

/** Options shared by every index read-modify-write. */
export interface IndexFileOptions {
  lock?: LockOptions;
  /**
   * fsync the index before renaming it into place. Default false: the rename
   * already makes every reader see a whole file, and an index lost to a power
   * cut is rebuilt from the logs.
   */
  fsync?: boolean;
  /**
   * Mode of the index file when written (default 0o600, owner only; its
   * folder gets the matching 0o700). See own-files.ts.
   */
  fileMode?: number;
}

/** One kind of index file (`index.json`, `sessions_index.json`). */
export interface IndexKind<E extends object> extends IndexCodec<E> {
  readonly fileName: string;
  /** Builds the entries from the logs, when the file is missing or corrupt. */
  rebuild(dir: string, options: IndexFileOptions): Promise<E[]>;
}

type ReadResult<E> =
  | { status: 'missing' }
  | { status: 'ok'; entries: readonly E[] }
  | { status: 'corrupt'; reason: string };

interface CacheSlot<E> extends ParsedIndex<E> {
  key: string;
}

/**
 * Parsed indexes keyed by path and by (inode, size, mtime, ctime): an index
 * that nobody changed since we last read or wrote it is not read again, and
 * one that changed reuses the entries whose text did not change.
 */
const cache = new Map<string, CacheSlot<object>>();

function statKey(st: fs.BigIntStats): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** Reads and validates an index file, through the cache. */
export function readIndexFile<E extends object>(kind: IndexKind<E>, file: string): ReadResult<E> {
  // Never through a planted link (ERR_UNSAFE_PATH): someone else's index is not ours to read or rewrite.
  const fd = openOwnFile(file, fs.constants.O_RDONLY);
  if (fd === null) return { status: 'missing' };
  try {
    // fstat and read the same open file, so the key always matches the text.
    const key = statKey(fs.fstatSync(fd, { bigint: true }));
    const hit = cache.get(file) as CacheSlot<E> | undefined;
    if (hit && hit.key === key) return { status: 'ok', entries: hit.entries };
    const parsed = parseIndex(kind, fs.readFileSync(fd, 'utf8'), hit?.entries);
    if (typeof parsed === 'string') return { status: 'corrupt', reason: parsed };
    cache.set(file, { key, ...parsed });
    return { status: 'ok', entries: parsed.entries };
  } finally {
    fs.closeSync(fd);
  }
}

async function writeIndexFile<E extends object>(
  kind: IndexKind<E>,
  file: string,
  entries: readonly E[],
  options: IndexFileOptions,
): Promise<void> {
  ensureOwnDir(path.dirname(file), options.fileMode);
  const text = formatIndexBytes(kind, entries);
  // Sync on purpose: a handful of syscalls under a held lock, cheaper than
  // async round trips through the thread pool (and the lock is held shorter).
  // Our own temp + rename, not write-file-atomic: that one resolves a planted
  // symlink and rewrites its target.
  replaceOwnFileSync(file, text, { fsync: options.fsync ?? false, fileMode: options.fileMode });
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
  refuseLinked(file);
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
  ensureOwnDir(dir, options.fileMode);
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
  ensureOwnDir(dir, options.fileMode);
  await withFileLock(file, () => writeIndexFile(kind, file, entries, options), options.lock);
}

/**
 * Inserts or replaces the one entry whose `keyField` is `key`, under the
 * cross-process lock, splicing its text into the file (see spliceEntry) when
 * the file has the canonical layout; otherwise (missing, corrupt, another
 * layout) it is the whole-file read-modify-write of {@link updateIndexFile}.
 * `apply` returns the new entry, or null to leave the file untouched.
 * Resolves with the entry the file now holds (undefined if there is none).
 */
export async function spliceIndexFile<E extends object>(
  kind: IndexKind<E>,
  dir: string,
  keyField: keyof E & string,
  key: string,
  apply: (existing: E | undefined) => E | null,
  options: IndexFileOptions = {},
): Promise<E | undefined> {
  const file = path.join(dir, kind.fileName);
  ensureOwnDir(dir, options.fileMode);
  return withFileLock(
    file,
    async () => {
      const done = spliceLocked(kind, file, keyField, key, apply, options.fsync ?? false, options.fileMode);
      if (done) return done.entry;
      const current = await loadLocked(kind, dir, options);
      const i = current.findIndex((e) => (e as Record<string, unknown>)[keyField] === key);
      const next = apply(i >= 0 ? current[i] : undefined);
      if (next === null) return i >= 0 ? current[i] : undefined;
      const entries = current.slice();
      if (i >= 0) entries[i] = next;
      else entries.push(next);
      await writeIndexFile(kind, file, entries, options);
      return next;
    },
    options.lock,
  );
}

/** The splice itself; null when the whole file must be read instead (missing, another layout, a bad entry). */
function spliceLocked<E extends object>(
  kind: IndexKind<E>,
  file: string,
  keyField: string,
  key: string,
  apply: (existing: E | undefined) => E | null,
  fsync: boolean,
  fileMode: number | undefined,
): { entry: E | undefined } | null {
  // Never through a planted link (ERR_UNSAFE_PATH), as for whole-file writes: its target is neither read nor replaced.
  const fd = openOwnFile(file, fs.constants.O_RDONLY);
  if (fd === null) return null;
  try {
    const keyBefore = statKey(fs.fstatSync(fd, { bigint: true }));
    const spliced = spliceEntryInFile(kind, file, fd, keyField, key, apply, { fsync, fileMode });
    if (spliced.status === 'unsure') return null;
    if (spliced.status === 'unchanged') return { entry: spliced.previous };
    refreshCache(file, keyBefore, keyField, key, spliced.next);
    return { entry: spliced.next };
  } catch (err) {
    if (err instanceof SessionLogError) throw err;
    throw new SessionLogError('ERR_IO', `cannot update ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * After a splice: a cached parse that was of the file as it was before is
 * brought up to date (so the next read in this process costs nothing); a
 * stale one is left stale, and its entries still spare the next read the
 * parse of every unchanged entry.
 */
function refreshCache<E extends object>(file: string, keyBefore: string, keyField: string, key: string, entry: E): void {
  const slot = cache.get(file) as CacheSlot<E> | undefined;
  if (!slot || slot.key !== keyBefore) return;
  try {
    const entries = slot.entries.slice();
    const i = entries.findIndex((e) => (e as Record<string, unknown>)[keyField] === key);
    if (i >= 0) entries[i] = entry;
    else entries.push(entry);
    cache.set(file, { key: statKey(fs.statSync(file, { bigint: true })), entries });
  } catch {
    cache.delete(file);
  }
}

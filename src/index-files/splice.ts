import fs from 'node:fs';
import { SessionLogError } from '../errors.js';
import { DEFAULT_FILE_MODE, openOwnFile, refuseLinked } from './own-files.js';
import { EMPTY, PREFIX, SUFFIX, fragmentOf, type IndexCodec } from './index-text.js';

const PREFIX_BYTES = Buffer.from(PREFIX);
const SUFFIX_BYTES = Buffer.from(SUFFIX);
const EMPTY_BYTES = Buffer.from(EMPTY);
/** How an entry ends in the canonical layout: its closing brace at entry indentation. */
const ENTRY_END = Buffer.from('\n    }');
const AFTER_ENTRY = Buffer.from(',\n');
/** Read size while searching and copying: one reused buffer, never the whole file in memory. */
const CHUNK = 1 << 20;

/** What splicing one entry into an index file gave. */
export type Spliced<E> =
  | { status: 'changed'; previous: E | undefined; next: E }
  | { status: 'unchanged'; previous: E | undefined }
  /** Not the canonical layout, or the entry does not parse: read the whole file instead. */
  | { status: 'unsure' };

function readAt(fd: number, buf: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Offset of `needle` at or after `from`, searching in chunks; -1 when absent. */
function find(fd: number, size: number, needle: Buffer, from: number, buf: Buffer): number {
  let pos = from;
  while (pos < size) {
    const got = readAt(fd, buf, Math.min(buf.length, size - pos), pos);
    if (got === 0) return -1;
    const i = buf.subarray(0, got).indexOf(needle);
    if (i >= 0) return pos + i;
    if (pos + got >= size) return -1;
    // Overlap so that a needle across two chunks is found.
    pos += got - (needle.length - 1);
  }
  return -1;
}

/** Copies `[from, to)` of `src` to `dst` at `at`, through `buf`. */
function copyRange(src: number, dst: number, from: number, to: number, at: number, buf: Buffer): void {
  let pos = from;
  let out = at;
  while (pos < to) {
    const got = readAt(src, buf, Math.min(buf.length, to - pos), pos);
    if (got === 0) break;
    let written = 0;
    while (written < got) written += fs.writeSync(dst, buf, written, got - written, out + written);
    pos += got;
    out += got;
  }
}

function tempName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.splice.tmp`;
}

/** How a splice writes: fsync before the rename; the mode the file may have at most. */
export interface SpliceWrite {
  fsync: boolean;
  fileMode?: number;
}

/**
 * Replaces `[start, end)` of `file` (open as `fd`, `size` bytes) by
 * `replacement`, atomically: the unchanged head is copied by the kernel
 * (copyFileSync), the tail through a small buffer, then the copy is renamed
 * over the file. Nothing of the size of the index is allocated.
 *
 * The copy is ours like every other write of index files (own-files.ts): a
 * new temp file (COPYFILE_EXCL, then opened O_NOFOLLOW), checked to be a copy
 * of the very file `fd` holds (a path swapped for a link meanwhile is refused,
 * ERR_UNSAFE_PATH), and no more readable than `fileMode` allows.
 */
function replaceRange(file: string, fd: number, size: number, start: number, end: number, replacement: Buffer, how: SpliceWrite): void {
  const tmp = tempName(file);
  let out: number | null = null;
  try {
    fs.copyFileSync(file, tmp, fs.constants.COPYFILE_EXCL);
    const held = fs.fstatSync(fd);
    const now = fs.lstatSync(file);
    if (!now.isFile()) refuseLinked(file);
    if (now.ino !== held.ino || now.dev !== held.dev) throw new SessionLogError('ERR_IO', `${file} was replaced while being updated`);
    out = openOwnFile(tmp, fs.constants.O_RDWR)!;
    // Narrow, never widen: an index written before `fileMode` existed (0644) becomes private at its next write.
    const mode = held.mode & 0o777 & (how.fileMode ?? DEFAULT_FILE_MODE);
    if ((fs.fstatSync(out).mode & 0o777) !== mode) fs.fchmodSync(out, mode);
    fs.ftruncateSync(out, start);
    let written = 0;
    while (written < replacement.length) written += fs.writeSync(out, replacement, written, replacement.length - written, start + written);
    if (end < size) copyRange(fd, out, end, size, start + replacement.length, Buffer.allocUnsafe(Math.min(CHUNK, size - end)));
    if (how.fsync) fs.fsyncSync(out);
    fs.closeSync(out);
    out = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (out !== null) fs.closeSync(out);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Replaces (or appends) the entry whose first key `keyField` is `key` in the
 * index file `file`, open as `fd`, when it has the canonical layout (ours and
 * zag's): the other entries are neither parsed nor formatted again, nor even
 * held in memory, so an update of a 10,000-session index in a fresh process
 * costs a search and a copy, not a parse of every entry. `apply` gets the
 * current entry, if any, and returns the new one, or null to leave the file
 * as it is. Call with the index lock held.
 *
 * In that layout a JSON string never holds a raw newline, so
 * `\n    {\n      "<keyField>": <key>,\n` can only be the start of an entry,
 * and the first `\n    }` after it its end (an entry's only nested value,
 * `source_paths`, is indented deeper). Anything unexpected answers `unsure`.
 */
export function spliceEntryInFile<E extends object>(
  codec: IndexCodec<E>,
  file: string,
  fd: number,
  keyField: string,
  key: string,
  apply: (existing: E | undefined) => E | null,
  how: SpliceWrite,
): Spliced<E> {
  const size = fs.fstatSync(fd).size;
  const small = Buffer.alloc(Math.max(PREFIX_BYTES.length, SUFFIX_BYTES.length, EMPTY_BYTES.length));
  const empty = size === EMPTY_BYTES.length && readAt(fd, small, size, 0) === size && small.subarray(0, size).equals(EMPTY_BYTES);
  if (!empty) {
    if (size < PREFIX_BYTES.length + SUFFIX_BYTES.length) return { status: 'unsure' };
    if (readAt(fd, small, PREFIX_BYTES.length, 0) !== PREFIX_BYTES.length || !small.subarray(0, PREFIX_BYTES.length).equals(PREFIX_BYTES)) {
      return { status: 'unsure' };
    }
    const tailAt = size - SUFFIX_BYTES.length;
    if (readAt(fd, small, SUFFIX_BYTES.length, tailAt) !== SUFFIX_BYTES.length || !small.subarray(0, SUFFIX_BYTES.length).equals(SUFFIX_BYTES)) {
      return { status: 'unsure' };
    }
  }
  const needle = Buffer.from(`\n    {\n      ${JSON.stringify(keyField)}: ${JSON.stringify(key)},\n`);
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, needle.length)));
  const at = empty ? -1 : find(fd, size, needle, PREFIX_BYTES.length - 1, buf);
  if (at < 0) {
    const next = apply(undefined);
    if (next === null) return { status: 'unchanged', previous: undefined };
    const fragment = Buffer.from(fragmentOf(codec, next));
    if (empty) replaceRange(file, fd, size, 0, size, Buffer.concat([PREFIX_BYTES, fragment, SUFFIX_BYTES]), how);
    else replaceRange(file, fd, size, size - SUFFIX_BYTES.length, size, Buffer.concat([AFTER_ENTRY, fragment, SUFFIX_BYTES]), how);
    return { status: 'changed', previous: undefined, next };
  }
  const start = at + 1;
  const close = find(fd, size, ENTRY_END, start, buf);
  if (close < 0) return { status: 'unsure' };
  const end = close + ENTRY_END.length;
  if (end !== size - SUFFIX_BYTES.length) {
    if (readAt(fd, small, 2, end) !== 2 || !small.subarray(0, 2).equals(AFTER_ENTRY)) return { status: 'unsure' };
  }
  const text = Buffer.allocUnsafe(end - start);
  if (readAt(fd, text, text.length, start) !== text.length) return { status: 'unsure' };
  let value: unknown;
  try {
    value = JSON.parse(text.toString('utf8'));
  } catch {
    return { status: 'unsure' };
  }
  let previous: E;
  if (codec.isExact(value)) {
    previous = value;
  } else {
    const parsed = codec.entrySchema.safeParse(value);
    if (!parsed.success) return { status: 'unsure' };
    previous = parsed.data;
  }
  if ((previous as Record<string, unknown>)[keyField] !== key) return { status: 'unsure' };
  const next = apply(previous);
  if (next === null) return { status: 'unchanged', previous };
  replaceRange(file, fd, size, start, end, Buffer.from(fragmentOf(codec, next)), how);
  return { status: 'changed', previous, next };
}

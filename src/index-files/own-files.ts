import fs from 'node:fs';
import path from 'node:path';
import { SessionLogError } from '../errors.js';

/**
 * How our own files (logs, index, state, global index) are created, opened
 * and replaced. Two concerns, one place:
 *
 * - Private by default: they hold prompts, tool output and whatever secrets
 *   those contain, so they are created 0600 and their folders 0700 (the
 *   `fileMode` option; the process umask still applies on top).
 * - Never through a link: another local user (or a repository an agent was
 *   pointed at) can plant `sessions/<id>.jsonl` or `index.json` as a symlink
 *   to a file elsewhere. Logs are opened with O_NOFOLLOW, and index and state
 *   are replaced by our own temp file + rename after an `lstat` check
 *   (write-file-atomic resolves links first and would rewrite the target).
 *   A planted link is refused with ERR_UNSAFE_PATH; what it points at is
 *   never opened for writing.
 */

/** Default mode of the files we create: owner read/write only. */
export const DEFAULT_FILE_MODE = 0o600;

/** The folder mode that goes with a file mode: each class that may read may also enter (0600 → 0700, 0644 → 0755). */
export function dirModeFor(fileMode: number): number {
  const m = fileMode & 0o777;
  return m | ((m & 0o444) >> 2);
}

function unsafe(file: string, what: string): SessionLogError {
  return new SessionLogError('ERR_UNSAFE_PATH', `${file} is ${what}: refused, nothing is read or written through it`);
}

/**
 * Creates `dir` (and its parents) with the folder mode for `fileMode`. A
 * path that is a file, or that cannot be created, is ERR_INVALID_LOGS_DIR
 * with one clear line, instead of a raw EEXIST from mkdir.
 */
export function ensureOwnDir(dir: string, fileMode: number = DEFAULT_FILE_MODE): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: dirModeFor(fileMode) });
  } catch (err) {
    throw logsDirError(dir, err);
  }
}

/** The typed error for a logs folder that is not one, or cannot be used. */
export function logsDirError(dir: string, err: unknown): SessionLogError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'EEXIST' || code === 'ENOTDIR'
      ? 'it (or a folder above it) is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : ((err as Error).message ?? String(err));
  return new SessionLogError('ERR_INVALID_LOGS_DIR', `cannot use ${dir} as the logs folder: ${why}`, { cause: err });
}

/**
 * Checks an existing logs folder before reading it: a file or an unreadable
 * folder is ERR_INVALID_LOGS_DIR. A missing folder is fine (nothing logged yet).
 */
export function checkLogsDirReadable(dir: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    throw logsDirError(dir, err);
  }
  if (st === undefined) return;
  if (!st.isDirectory()) throw logsDirError(dir, Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }));
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
  } catch (err) {
    throw logsDirError(dir, err);
  }
}

/**
 * Opens one of our files without following a link (O_NOFOLLOW) and without
 * blocking on a planted FIFO (O_NONBLOCK), then checks it is a regular file.
 * `flags` are the usual open flags (e.g. 'a+' as numbers). Missing with no
 * O_CREAT: null.
 */
export function openOwnFile(file: string, flags: number, fileMode: number = DEFAULT_FILE_MODE): number | null {
  let fd: number;
  try {
    fd = fs.openSync(file, flags | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK, fileMode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && (flags & fs.constants.O_CREAT) === 0) return null;
    // ELOOP: the last component is a symlink (Linux, macOS). EMLINK: the same on FreeBSD.
    if (code === 'ELOOP' || code === 'EMLINK') throw unsafe(file, 'a symlink');
    if (code === 'ENXIO') throw unsafe(file, 'a socket or device');
    throw new SessionLogError('ERR_IO', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  const st = fs.fstatSync(fd);
  if (!st.isFile()) {
    fs.closeSync(fd);
    throw unsafe(file, 'not a regular file');
  }
  return fd;
}

/** Flags for appending to a log (created if missing): read + append, as the writer needs its tail. */
export const LOG_APPEND_FLAGS = fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT;

/** Throws ERR_UNSAFE_PATH when `file` exists as a symlink or as anything but a regular file. */
export function refuseLinked(file: string): void {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (st === undefined || st.isFile()) return;
  throw unsafe(file, st.isSymbolicLink() ? 'a symlink' : 'not a regular file');
}

let tmpCounter = 0;

/**
 * Replaces `file` whole: writes a new temp file beside it (O_EXCL|O_NOFOLLOW,
 * mode `fileMode`), then renames it over `file`. Readers see the old or the
 * new file, never half of one. A `file` that is a planted symlink is refused
 * (ERR_UNSAFE_PATH) and its target left untouched; a rename would replace the
 * link itself, but a link there means someone else controls our folder.
 */
export function replaceOwnFileSync(
  file: string,
  data: string | Uint8Array,
  options: { fileMode?: number; fsync?: boolean } = {},
): void {
  refuseLinked(file);
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  const fd = openOwnFile(
    tmp,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL,
    options.fileMode ?? DEFAULT_FILE_MODE,
  )!;
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    if (options.fsync) fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The folder of `file`, created private (see {@link ensureOwnDir}). */
export function ensureParentDir(file: string, fileMode?: number): void {
  ensureOwnDir(path.dirname(file), fileMode);
}

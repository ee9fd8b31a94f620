import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { SessionLogError } from '../errors.js';

/**
 * The one way provider files are opened. Provider folders are untrusted: a
 * FIFO there blocks `open()` until a writer appears (and a blocked read
 * ignores SIGTERM), and a link to `/dev/zero` reads forever. So:
 *
 * - before opening, `stat` (following links, which is what open would do)
 *   tells a FIFO, device, socket or folder apart, and callers skip it with
 *   the reason this module gives;
 * - the open itself uses O_NONBLOCK, so a file swapped for a FIFO between
 *   that check and the open cannot hang us, and `fstat` of the descriptor
 *   refuses anything that is not a regular file before a byte is read.
 *   O_NONBLOCK changes nothing for a regular file.
 */

const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** Longest whole file read into memory by default (JSON documents: Gemini snapshots, Copilot legacy sessions). */
export const DEFAULT_MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

/** Bound for small side files read whole (registries, projects.json, workspace.yaml): 16 MiB. */
export const SMALL_FILE_BYTES = 16 * 1024 * 1024;

/** What a non-regular file is, in words: "a FIFO", "a character device"... */
export function describeFileType(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  if (st.isFile()) return 'a regular file';
  return 'not a regular file';
}

/**
 * Why `path` will not be read, or null when it is a regular file (or does not
 * exist: a history file can vanish between listing and reading, which is not
 * worth a report). Follows links, as opening does: a link to a regular file
 * is fine, a link to `/dev/zero` is "a character device".
 */
export function notRegularReason(path: string): string | null {
  let st: Stats | undefined;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    return `cannot stat: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (st === undefined || st.isFile()) return null;
  return `it is ${describeFileType(st)}, not a regular file`;
}

/**
 * The regular files among `paths`; each other one (FIFO, device, socket,
 * folder, or a link to one) is reported through `onSkip` and left out, so it
 * is never opened. Missing files stay in: their readers treat them as empty.
 */
export function keepRegularFiles(paths: readonly string[], onSkip?: (file: { path: string; reason: string }) => void): string[] {
  const out: string[] = [];
  for (const path of paths) {
    const reason = notRegularReason(path);
    if (reason === null) out.push(path);
    else onSkip?.({ path, reason });
  }
  return out;
}

function notRegularError(path: string, st: Stats): SessionLogError {
  return new SessionLogError('ERR_NOT_REGULAR_FILE', `${path} is ${describeFileType(st)}, not a regular file: not read`);
}

function openError(path: string, err: unknown): SessionLogError {
  const code = (err as NodeJS.ErrnoException).code;
  // ENXIO: a socket (or a FIFO without reader on some systems); never a regular file.
  if (code === 'ENXIO') return new SessionLogError('ERR_NOT_REGULAR_FILE', `${path} is a socket or device: not read`, { cause: err });
  return new SessionLogError('ERR_IO', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
}

/**
 * Opens a provider file for reading, synchronously; null when it is missing.
 * Throws ERR_NOT_REGULAR_FILE (the descriptor closed) for anything but a
 * regular file, ERR_IO for other failures.
 */
export function openRegularSync(path: string): number | null {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw openError(path, err);
  }
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (err) {
    closeSync(fd);
    throw openError(path, err);
  }
  if (!st.isFile()) {
    closeSync(fd);
    throw notRegularError(path, st);
  }
  return fd;
}

/** The asynchronous {@link openRegularSync}. */
export async function openRegular(path: string): Promise<FileHandle | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, READ_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw openError(path, err);
  }
  let st: Stats;
  try {
    st = await fh.stat();
  } catch (err) {
    await fh.close();
    throw openError(path, err);
  }
  if (!st.isFile()) {
    await fh.close();
    throw notRegularError(path, st);
  }
  return fh;
}

/**
 * A whole provider file as UTF-8 text (a JSON document), or null when it is
 * missing. Refuses non-regular files (ERR_NOT_REGULAR_FILE) and, with the
 * same code, a file bigger than `maxBytes`: reading it whole would be an
 * out-of-memory, not a result. Reads at most `maxBytes` + 1 bytes even if the
 * file grows meanwhile.
 */
export function readRegularFileSync(path: string, maxBytes = DEFAULT_MAX_WHOLE_FILE_BYTES): string | null {
  const fd = openRegularSync(path);
  if (fd === null) return null;
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw tooBig(path, size, maxBytes);
    const buf = Buffer.allocUnsafe(Math.min(size + 1, maxBytes + 1));
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
      if (n === buf.length) break;
    }
    if (n > maxBytes) throw tooBig(path, n, maxBytes);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** The asynchronous {@link readRegularFileSync}. */
export async function readRegularFile(path: string, maxBytes = DEFAULT_MAX_WHOLE_FILE_BYTES): Promise<string | null> {
  const fh = await openRegular(path);
  if (fh === null) return null;
  try {
    const size = (await fh.stat()).size;
    if (size > maxBytes) throw tooBig(path, size, maxBytes);
    const buf = Buffer.allocUnsafe(Math.min(size + 1, maxBytes + 1));
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    if (n > maxBytes) throw tooBig(path, n, maxBytes);
    return buf.toString('utf8', 0, n);
  } finally {
    await fh.close();
  }
}

function tooBig(path: string, size: number, maxBytes: number): SessionLogError {
  return new SessionLogError('ERR_NOT_REGULAR_FILE', `${path} is ${size} bytes or more, more than the ${maxBytes} read whole: not read`);
}

/**
 * Lines longer than a limit are never held whole: the readers keep their
 * first bytes, count the rest, and hand on a marker instead of the line. The
 * parsers (providers/shared/json-line.ts) turn the marker into a parse_warning
 * holding the line's size and head. A marker starts with NUL, which no JSON
 * text can, so it is never mistaken for a record.
 */

/**
 * Default longest line read (64 MiB). Real tool output stays far below it
 * (the largest lines seen in real histories are base64 images and big file
 * reads, a few MiB), while one line of 64 MiB still decodes and parses within
 * a few hundred MiB of memory. A line longer than this is corrupt or hostile
 * (a link to /dev/zero, a log of a binary).
 */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Bytes of an oversize line's head kept for the warning. */
export const OVERSIZE_HEAD_BYTES = 4096;

/** An overlong line being read: its first bytes, kept for the warning, and its size so far. */
export interface OverlongLine {
  bytes: number;
  head: Buffer;
}

/**
 * Adds `more` bytes of an overlong line to `over`, starting it from the
 * line's `pending` parts when it is null. Only the head is kept, so memory
 * stays bounded however long the line is. The one rule of both line readers.
 */
export function growOverlong(over: OverlongLine | null, pending: readonly Buffer[], pendingLen: number, more: Buffer): OverlongLine {
  const line = over ?? {
    bytes: pendingLen,
    head: Buffer.from(Buffer.concat(pending as Buffer[], pendingLen).subarray(0, OVERSIZE_HEAD_BYTES)),
  };
  if (line.head.length < OVERSIZE_HEAD_BYTES) {
    line.head = Buffer.concat([line.head, more.subarray(0, OVERSIZE_HEAD_BYTES - line.head.length)]);
  }
  line.bytes += more.length;
  return line;
}

const PREFIX = '\u0000oversize-line:';

/** The marker standing for a line of `bytes` bytes that starts with `head`. */
export function oversizeLineMarker(bytes: number, head: Buffer): string {
  return `${PREFIX}${bytes}:${head.toString('utf8', 0, Math.min(head.length, OVERSIZE_HEAD_BYTES))}`;
}

/** The size and head of an oversize line, if `line` is a marker. */
export function parseOversizeLine(line: string): { bytes: number; head: string } | null {
  if (line.charCodeAt(0) !== 0 || !line.startsWith(PREFIX)) return null;
  const colon = line.indexOf(':', PREFIX.length);
  if (colon < 0) return null;
  const bytes = Number(line.slice(PREFIX.length, colon));
  if (!Number.isSafeInteger(bytes)) return null;
  return { bytes, head: line.slice(colon + 1) };
}

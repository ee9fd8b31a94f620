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

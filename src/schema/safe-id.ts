/**
 * The one rule for ids that become file names (`sessions/<id>.jsonl`), used
 * by the writer, the import, the live adapters and the CLI alike. It lives in
 * schema because schema imports nothing of ours: every layer can use it, and
 * no layer keeps a weaker copy (there were four once, and the import's let a
 * newline through).
 */

/** Longest accepted id in UTF-8 bytes: leaves room for `.jsonl` and lock/owner suffixes under NAME_MAX (255). */
export const MAX_SESSION_ID_BYTES = 200;

/**
 * C0 controls (NUL, newline, ESC...), DEL, C1 controls (a terminal reads
 * 0x9b as CSI) and the Unicode line and paragraph separators: none belongs in
 * a file name that is printed on a terminal or written into a line of JSONL.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Why `id` is not a safe file name, or null if it is. A safe id cannot leave
 * the sessions directory or name a special entry: it is non-empty, at most 200
 * bytes, and has no `/`, `\`, `..`, NUL or other control character, and is not `.`.
 */
export function unsafeSessionIdReason(id: unknown): string | null {
  if (typeof id !== 'string') return 'it is not a string';
  if (id.length === 0) return 'it is empty';
  if (Buffer.byteLength(id, 'utf8') > MAX_SESSION_ID_BYTES) return `it is longer than ${MAX_SESSION_ID_BYTES} bytes`;
  if (id.includes('/')) return "it contains '/'";
  if (id.includes('\\')) return "it contains '\\'";
  if (id.includes('..')) return "it contains '..'";
  if (id === '.') return "it is '.'";
  if (CONTROL.test(id)) return 'it contains a NUL, newline, ESC or other control character';
  return null;
}

/** True if `id` can be used as a wrapper session id (see {@link unsafeSessionIdReason}). */
export function isSafeSessionId(id: unknown): id is string {
  return unsafeSessionIdReason(id) === null;
}

/** An id for messages: JSON-quoted (so control characters show as escapes), cut at 60 characters. */
export function quoteId(id: unknown): string {
  return typeof id === 'string' ? JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id) : String(id);
}

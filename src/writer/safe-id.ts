import { SessionLogError } from '../errors.js';

/** Longest accepted id in UTF-8 bytes: leaves room for `.jsonl` and lock/owner suffixes under NAME_MAX (255). */
export const MAX_SESSION_ID_BYTES = 200;

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
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'it contains a NUL or control character';
  return null;
}

/** True if `id` can be used as a wrapper session id (see {@link unsafeSessionIdReason}). */
export function isSafeSessionId(id: unknown): id is string {
  return unsafeSessionIdReason(id) === null;
}

/** Throws ERR_INVALID_SESSION_ID unless `id` is a safe file name. */
export function assertSafeSessionId(id: unknown): asserts id is string {
  const reason = unsafeSessionIdReason(id);
  if (reason !== null) {
    const shown = typeof id === 'string' ? JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id) : String(id);
    throw new SessionLogError('ERR_INVALID_SESSION_ID', `invalid wrapper session id ${shown}: ${reason}`);
  }
}

/**
 * Every error this library throws on purpose is a `SessionLogError` with a
 * stable `code`, so callers can branch on `err.code` instead of parsing text.
 */
export type SessionLogErrorCode =
  | 'ERR_INVALID_SESSION_ID'
  | 'ERR_INVALID_EVENT'
  | 'ERR_WRITER_CLOSED'
  | 'ERR_LOG_OWNED'
  | 'ERR_LOCK_TIMEOUT'
  | 'ERR_LOCK_COMPROMISED'
  | 'ERR_CORRUPT_LINE'
  | 'ERR_CORRUPT_INDEX'
  | 'ERR_NOT_FOUND'
  | 'ERR_AMBIGUOUS_ID'
  | 'ERR_ABORTED'
  | 'ERR_INVALID_OPTION'
  | 'ERR_STORE'
  | 'ERR_IO'
  /** A provider file that is not a regular file (FIFO, device, socket, folder), or bigger than a whole-file read allows. */
  | 'ERR_NOT_REGULAR_FILE'
  /** One of our own files (log, index, state) is a symlink or not a regular file: refused, nothing written through it. */
  | 'ERR_UNSAFE_PATH'
  /** The logs folder is a file, or cannot be created, read or written. */
  | 'ERR_INVALID_LOGS_DIR';

export class SessionLogError extends Error {
  readonly code: SessionLogErrorCode;

  constructor(code: SessionLogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionLogError';
    this.code = code;
  }
}

/** True when `err` is a {@link SessionLogError}, optionally with the given code. */
export function isSessionLogError(err: unknown, code?: SessionLogErrorCode): err is SessionLogError {
  return err instanceof SessionLogError && (code === undefined || err.code === code);
}

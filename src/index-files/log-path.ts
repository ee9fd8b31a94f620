import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a reader finds a session's log: `<logsDir>/sessions/<id>.jsonl` when
 * that file exists, else the index's `log_path`. A logs folder that was
 * copied or moved keeps the absolute paths of the original in its index;
 * reading those would show the original's logs (or nothing, once it is
 * gone), not the folder the reader was given.
 */
export function sessionLogPath(logsDir: string, wrapperSessionId: string, indexedPath: string): string {
  const inFolder = path.resolve(logsDir, 'sessions', `${wrapperSessionId}.jsonl`);
  if (inFolder === indexedPath) return inFolder;
  // A wrapper id is a file name (see safe-id); anything else cannot be in the folder.
  if (wrapperSessionId.includes('/') || wrapperSessionId.includes('\\') || wrapperSessionId.includes('\0')) return indexedPath;
  return fs.existsSync(inFolder) ? inFolder : indexedPath;
}

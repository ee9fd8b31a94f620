import { statSync } from 'node:fs';
import type { SourceFingerprint } from '../schema/index.js';

/**
 * Size, mtime and inode of one source file, or `null` when it cannot be
 * stat'ed (vanished, unreadable). A `null` never equals a recorded
 * fingerprint, so such a file is always handed to the adapter, which then
 * reports the real problem.
 *
 * Synchronous on purpose: one stat is a few microseconds, while a round trip
 * through libuv's thread pool costs more than that for each of thousands of
 * files in a run.
 */
export function fingerprintOf(path: string): SourceFingerprint | null {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? { size: st.size, mtime_ms: st.mtimeMs, ino: st.ino } : null;
  } catch {
    return null;
  }
}

/** True when both fingerprints describe the same, unchanged file. */
export function sameFingerprint(a: SourceFingerprint | null | undefined, b: SourceFingerprint | null | undefined): boolean {
  return !!a && !!b && a.size === b.size && a.mtime_ms === b.mtime_ms && a.ino === b.ino;
}

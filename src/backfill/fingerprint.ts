import { stat } from 'node:fs/promises';
import type { SourceFingerprint } from '../schema/index.js';

/**
 * Size, mtime and inode of one source file, or `null` when it cannot be
 * stat'ed (vanished, unreadable). A `null` never equals a recorded
 * fingerprint, so such a file is always handed to the adapter, which then
 * reports the real problem.
 */
export async function fingerprintOf(path: string): Promise<SourceFingerprint | null> {
  try {
    const st = await stat(path);
    return { size: st.size, mtime_ms: st.mtimeMs, ino: st.ino };
  } catch {
    return null;
  }
}

/** True when both fingerprints describe the same, unchanged file. */
export function sameFingerprint(a: SourceFingerprint | null | undefined, b: SourceFingerprint | null | undefined): boolean {
  return !!a && !!b && a.size === b.size && a.mtime_ms === b.mtime_ms && a.ino === b.ino;
}

import { constants, lstatSync } from 'node:fs';
import { open } from 'node:fs/promises';

const PEEK_BYTES = 64 * 1024;

/**
 * Who wrote an existing log, judged from its first line: `backfill` when that
 * line came from a backfill (source kind `backfill`, as in both our logs and
 * zag's, or a `session_started` with `backfilled: true`); `missing` when there
 * is no log; otherwise `live`. An empty or unreadable log counts as live: a
 * live writer may have just created it, and a backfill never leaves one empty
 * (it renames a complete file into place).
 */
export async function peekLogOrigin(path: string): Promise<'missing' | 'backfill' | 'live'> {
  // The common case on a first import, answered without an exception or a thread-pool round trip.
  if (!lstatSync(path, { throwIfNoEntry: false })) return 'missing';
  let fh;
  try {
    // O_NOFOLLOW|O_NONBLOCK: a planted link or FIFO is never followed or waited on (it then counts as not ours).
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'live';
  }
  try {
    const buf = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await fh.read(buf, 0, PEEK_BYTES, 0);
    const text = buf.toString('utf8', 0, bytesRead);
    const nl = text.indexOf('\n');
    const first = JSON.parse(nl >= 0 ? text.slice(0, nl) : text) as Record<string, unknown>;
    if (first?.['source_kind'] === 'backfill') return 'backfill';
    if (first?.['type'] === 'session_started' && first['backfilled'] === true) return 'backfill';
    return 'live';
  } catch {
    return 'live';
  } finally {
    await fh.close();
  }
}

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SessionLogError } from '../errors.js';
import { loadIndex } from '../index-files/index.js';
import type { FoundSession } from './find-session.js';
import type { Locations } from './options.js';

/** The session that started last, by `started_at` in this project's index (zag's `listen --latest`). */
export async function latestSession(loc: Locations): Promise<FoundSession> {
  let best: FoundSession | null = null;
  let bestStart = '';
  for (const e of (await loadIndex(loc.logsDir)).sessions) {
    if (best === null || e.started_at > bestStart) {
      best = { id: e.wrapper_session_id, logPath: e.log_path, provider: e.provider, entry: e };
      bestStart = e.started_at;
    }
  }
  if (!best) throw new SessionLogError('ERR_NOT_FOUND', `no session in ${loc.logsDir}`);
  return best;
}

/** The session whose log was written last, by modification time (zag's `listen --active`). */
export async function activeSession(loc: Locations): Promise<FoundSession> {
  const dir = join(loc.logsDir, 'sessions');
  const names = await readdir(dir).catch(() => [] as string[]);
  let best: FoundSession | null = null;
  let bestTime = -Infinity;
  for (const name of names) {
    if (!name.endsWith('.jsonl')) continue;
    const logPath = join(dir, name);
    const st = await stat(logPath).catch(() => null);
    if (st === null || !st.isFile() || st.mtimeMs <= bestTime) continue;
    best = { id: name.slice(0, -'.jsonl'.length), logPath, provider: null, entry: null };
    bestTime = st.mtimeMs;
  }
  if (!best) throw new SessionLogError('ERR_NOT_FOUND', `no session log in ${dir}`);
  return best;
}

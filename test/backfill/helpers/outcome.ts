import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readIndex, readState } from './fs.js';

/**
 * Everything a run leaves in `logs` (log texts, index entries, imported
 * keys) and its result, with the logs directory taken out: two runs over
 * the same history compare equal when they wrote the same thing. Times are
 * kept: an import writes the records' times (never its own), so they must
 * match too, whichever thread wrote the log.
 */
export async function outcome(logs: string, result: unknown): Promise<unknown> {
  const sessions = join(logs, 'sessions');
  const names = (await readdir(sessions)).sort();
  const texts: Record<string, string> = {};
  for (const n of names) texts[n] = await readFile(join(sessions, n), 'utf8');
  const index = (await readIndex(logs))
    .map((e) => ({ ...e, log_path: e.log_path.slice(logs.length) }))
    .sort((a, b) => a.wrapper_session_id.localeCompare(b.wrapper_session_id));
  const state = await readState(logs);
  return { result, names, texts, index, keys: [...state.imported_session_keys].sort() };
}

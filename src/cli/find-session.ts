import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SessionLogError } from '../errors.js';
import { isSafeSessionId } from '../schema/safe-id.js';
import { loadGlobalIndex, loadIndex } from '../index-files/index.js';
import { sessionLogPath } from '../index-files/log-path.js';
import type { SessionLogIndexEntry } from '../schema/index.js';
import type { Locations } from './options.js';

/** A session picked on the command line. */
export interface FoundSession {
  id: string;
  logPath: string;
  provider: string | null;
  /** The project index entry, when the session is in this project's index. */
  entry: SessionLogIndexEntry | null;
}

interface Candidate extends FoundSession {
  /** Ids a query may match: wrapper id, and the provider's id when known. */
  keys: string[];
}

/**
 * Finds a session by its id, the provider's session id, or a unique prefix of
 * the session id (else of the provider's id): in this project's index, then
 * the global index, then the log files themselves. A session's log is read
 * from this logs folder when it is there, whatever path an index gives (an index can lag behind a
 * log that is being written).
 * Rejects with ERR_NOT_FOUND or ERR_AMBIGUOUS_ID (naming the matches).
 */
export async function findSession(loc: Locations, query: string): Promise<FoundSession> {
  const candidates = await listCandidates(loc);
  const exact = candidates.find((c) => c.id === query) ?? candidates.find((c) => c.keys.includes(query));
  if (exact) return strip(exact);
  // A prefix of a session id beats a prefix of a provider's id: after a live
  // recording and an import of the same provider session, both carry its id.
  const byId = unique(candidates.filter((c) => c.id.startsWith(query)));
  const prefixed = byId.length > 0 ? byId : unique(candidates.filter((c) => c.keys.some((k) => k.startsWith(query))));
  if (prefixed.length === 1) return strip(prefixed[0]!);
  if (prefixed.length > 1) {
    const names = prefixed.slice(0, 5).map((c) => c.id);
    const more = prefixed.length > 5 ? `, and ${prefixed.length - 5} more` : '';
    throw new SessionLogError(
      'ERR_AMBIGUOUS_ID',
      `'${query}' matches ${prefixed.length} sessions: ${names.join(', ')}${more}; give more of the id`,
    );
  }
  throw new SessionLogError('ERR_NOT_FOUND', `no session matches '${query}' in ${loc.logsDir}`);
}

async function listCandidates(loc: Locations): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const index = await loadIndex(loc.logsDir);
  for (const e of index.sessions) {
    const keys = [e.wrapper_session_id, ...(e.provider_session_id ? [e.provider_session_id] : [])];
    const logPath = sessionLogPath(loc.logsDir, e.wrapper_session_id, e.log_path);
    out.push({ id: e.wrapper_session_id, logPath, provider: e.provider, entry: { ...e, log_path: logPath }, keys });
  }
  const global = await loadGlobalIndex(loc.globalIndexDir).catch(() => ({ sessions: [] }));
  for (const g of global.sessions) {
    // The same session in this folder (e.g. a copy of the project's logs) is read there.
    const logPath = sessionLogPath(loc.logsDir, g.session_id, g.log_path);
    out.push({ id: g.session_id, logPath, provider: g.provider, entry: null, keys: [g.session_id] });
  }
  const sessionsDir = join(loc.logsDir, 'sessions');
  const files = await readdir(sessionsDir).catch(() => [] as string[]);
  for (const f of files) {
    if (!f.endsWith('.jsonl')) continue;
    const id = f.slice(0, -'.jsonl'.length);
    if (!isSafeSessionId(id)) continue;
    out.push({ id, logPath: join(sessionsDir, f), provider: null, entry: null, keys: [id] });
  }
  return out;
}

/** One candidate per log file (the same session is often in several places). */
function unique(list: Candidate[]): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const c of list) if (!seen.has(c.id)) seen.set(c.id, c);
  return [...seen.values()];
}

function strip(c: Candidate): FoundSession {
  return { id: c.id, logPath: c.logPath, provider: c.provider, entry: c.entry };
}

/** True when the file exists (a session may be listed before its log is written). */
export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Where the log of session `id` will be written in this logs folder, for a
 * session that has not started yet; null when `id` cannot be a file name.
 */
export function futureLogPath(loc: Locations, id: string): string | null {
  if (!isSafeSessionId(id)) return null;
  return join(loc.logsDir, 'sessions', `${id}.jsonl`);
}

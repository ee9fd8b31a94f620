import fs from 'node:fs';
import path from 'node:path';
import { ensureParentDir, openOwnFile, replaceOwnFileSync } from './own-files.js';
import { BackfillStateSchema, SessionLogIndexEntrySchema, type SessionLogIndexEntry } from '../schema/index-files.js';

/**
 * What a session log cannot tell about its session, kept in files of ours so
 * that `rebuildIndex` says exactly what the lost index said:
 *
 * - a live session's facts file, `<logsDir>/session_facts/<id>.json`: the
 *   index entry as the writer last wrote it (its `started_at`, `command`,
 *   `workspace_path`, `source_paths` are nowhere in a log that the writer
 *   alone wrote, and `provider_session_id`/`completeness` only reach the log
 *   with the next event). Written by the writer with every index write.
 * - an imported session's source files: the keys of its `sources` in
 *   `backfill_state.json` (which the import keeps anyway, to notice changes).
 *
 * Everything else of an imported session is in its log: session_started
 * (time, command, cwd), the envelope (provider, ids, completeness) and
 * session_ended (time).
 */
export const SESSION_FACTS_DIR = 'session_facts';

function factsPath(logsDir: string, wrapperSessionId: string): string {
  return path.join(logsDir, SESSION_FACTS_DIR, `${wrapperSessionId}.json`);
}

/**
 * Records a live session's index entry beside the logs (atomic replace; small, so no lock is needed: one
 * writer owns a session). Our own temp + rename like the index (own-files.ts): a planted link is refused.
 */
export function writeSessionFacts(logsDir: string, entry: SessionLogIndexEntry, fileMode?: number): void {
  const file = factsPath(logsDir, entry.wrapper_session_id);
  const text = JSON.stringify(entry, null, 2);
  ensureParentDir(file, fileMode);
  replaceOwnFileSync(file, text, { fsync: false, fileMode });
}

/** A live session's recorded entry, or null when there is none (or it is unreadable, or a planted link). */
export function readSessionFacts(logsDir: string, wrapperSessionId: string): SessionLogIndexEntry | null {
  let text: string;
  try {
    const fd = openOwnFile(factsPath(logsDir, wrapperSessionId), fs.constants.O_RDONLY);
    if (fd === null) return null;
    try {
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  try {
    const parsed = SessionLogIndexEntrySchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.wrapper_session_id === wrapperSessionId ? parsed.data : null;
  } catch {
    return null;
  }
}

/** `backfill_state.json`'s source files per session key (`<provider>:<provider session id, else wrapper id>`). */
export function readImportedSources(logsDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let raw: unknown;
  try {
    // Never through a planted link, as the import reads it (backfill/state.ts).
    const fd = openOwnFile(path.join(logsDir, 'backfill_state.json'), fs.constants.O_RDONLY);
    if (fd === null) return out;
    try {
      raw = JSON.parse(fs.readFileSync(fd, 'utf8'));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return out;
  }
  const parsed = BackfillStateSchema.safeParse(raw);
  if (!parsed.success) return out;
  for (const [key, files] of Object.entries(parsed.data.sources ?? {})) out.set(key, Object.keys(files));
  return out;
}

import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
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

/** Records a live session's index entry beside the logs (atomic replace; small, so no lock is needed: one writer owns a session). */
export function writeSessionFacts(logsDir: string, entry: SessionLogIndexEntry): void {
  const file = factsPath(logsDir, entry.wrapper_session_id);
  const text = JSON.stringify(entry, null, 2);
  try {
    writeFileAtomic.sync(file, text, { fsync: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic.sync(file, text, { fsync: false });
  }
}

/** A live session's recorded entry, or null when there is none (or it is unreadable). */
export function readSessionFacts(logsDir: string, wrapperSessionId: string): SessionLogIndexEntry | null {
  let text: string;
  try {
    text = fs.readFileSync(factsPath(logsDir, wrapperSessionId), 'utf8');
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
    raw = JSON.parse(fs.readFileSync(path.join(logsDir, 'backfill_state.json'), 'utf8'));
  } catch {
    return out;
  }
  const parsed = BackfillStateSchema.safeParse(raw);
  if (!parsed.success) return out;
  for (const [key, files] of Object.entries(parsed.data.sources ?? {})) out.set(key, Object.keys(files));
  return out;
}

import fs from 'node:fs';
import path from 'node:path';
import type { SessionLogIndexEntry } from '../schema/index-files.js';
import { isLogCompleteness } from '../schema/enums.js';
import { linesFromEnd, readFirstLine } from '../writer/tail.js';

/** How many lines from the end are searched for `session_ended`; events may follow it (e.g. session_result). */
const END_SEARCH_LINES = 32;

type JsonObject = Record<string, unknown>;

function parseObject(line: string | null | undefined): JsonObject | null {
  if (!line) return null;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Rebuilds one index entry from a session log by reading only its first line
 * and a few of its last lines. Returns null for a log with no readable event.
 * `source_paths` cannot be recovered from a log and comes back empty.
 */
export function summarizeLog(logPath: string): SessionLogIndexEntry | null {
  let fd: number;
  try {
    // A planted link or FIFO in sessions/ is not one of our logs: never followed, never waited on.
    fd = fs.openSync(logPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return null;
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    return null;
  }
  try {
    const first = parseObject(readFirstLine(fd));
    const size = fs.fstatSync(fd).size;
    let last: JsonObject | null = null;
    let ended: JsonObject | null = null;
    let providerSessionId: string | null = null;
    let seen = 0;
    for (const line of linesFromEnd(fd, size)) {
      const ev = parseObject(line);
      if (ev) {
        last ??= ev;
        providerSessionId ??= str(ev.provider_session_id);
        if (ev.type === 'session_ended') {
          ended = ev;
          break;
        }
      }
      if (++seen >= END_SEARCH_LINES) break;
    }
    const head = first ?? last;
    if (!head) return null;
    const tail = last ?? head;
    const started = head.type === 'session_started' ? head : null;
    return {
      wrapper_session_id: path.basename(logPath, '.jsonl'),
      provider: str(head.provider) ?? 'unknown',
      provider_session_id: providerSessionId ?? str(head.provider_session_id),
      log_path: logPath,
      completeness: isLogCompleteness(tail.completeness) ? tail.completeness : 'partial',
      started_at: str(head.ts) ?? new Date(fs.fstatSync(fd).mtimeMs).toISOString(),
      ended_at: ended ? str(ended.ts) : null,
      workspace_path: started ? str(started.cwd) : null,
      command: started ? str(started.command) : null,
      source_paths: [],
      backfilled: started ? started.backfilled === true : head.source_kind === 'backfill',
    };
  } finally {
    fs.closeSync(fd);
  }
}

import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseLogEvent } from '../../../src/index.js';
import { readLog } from './fs.js';

async function walk(dir: string, out: string[] = []): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * The session keys a complete import of `home` must produce, worked out from
 * the providers' file layouts (PROVIDER_FORMATS.md), independently of the adapters:
 * Claude `projects/<cwd>/<id>.jsonl`, Codex `rollout-<time>-<id>.jsonl`,
 * Gemini `chats/session-*.json(l)` (id inside), Copilot `session-state/<id>/events.jsonl`.
 */
export async function expectedSessionKeys(home: string): Promise<string[]> {
  const keys: string[] = [];
  for (const f of await walk(join(home, '.claude', 'projects'))) {
    const m = /[/\\]projects[/\\][^/\\]+[/\\]([0-9a-f-]{36})\.jsonl$/.exec(f);
    if (m) keys.push(`claude:${m[1]}`);
  }
  for (const f of await walk(join(home, '.codex', 'sessions'))) {
    const m = /rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(f);
    if (m) keys.push(`codex:${m[1]}`);
  }
  for (const f of await walk(join(home, '.gemini', 'tmp'))) {
    if (!/[/\\]chats[/\\]session-[^/\\]+\.jsonl?$/.test(f)) continue;
    const text = await readFile(f, 'utf8');
    const doc = JSON.parse(f.endsWith('.jsonl') ? text.slice(0, text.indexOf('\n')) : text) as { sessionId: string };
    keys.push(`gemini:${doc.sessionId}`);
  }
  for (const f of await walk(join(home, '.copilot', 'session-state'))) {
    const m = /session-state[/\\]([^/\\]+)[/\\]events\.jsonl$/.exec(f);
    if (m) keys.push(`copilot:${m[1]}`);
  }
  return keys.sort();
}

/** Checks one imported log the way a reader would; returns its events. */
export async function checkBackfilledLog(path: string): Promise<Awaited<ReturnType<typeof readLog>>> {
  const events = await readLog(path);
  events.forEach((e, i) => {
    if (e.seq !== i + 1) throw new Error(`${path}: seq ${e.seq} at line ${i + 1}`);
    const parsed = parseLogEvent(e);
    if (!parsed.ok) throw new Error(`${path}: line ${i + 1} invalid: ${parsed.error}`);
  });
  const first = events[0]!;
  if (first.type !== 'session_started' || first['backfilled'] !== true || first.source_kind !== 'backfill') {
    throw new Error(`${path}: does not open with a backfilled session_started`);
  }
  if (events.at(-1)!.type !== 'session_ended') throw new Error(`${path}: does not end with session_ended`);
  if (events.filter((e) => e.type === 'session_started').length !== 1) throw new Error(`${path}: two session_started`);
  return events;
}

/** A log's events without what differs between two imports of the same file (times). */
export function comparable(events: Awaited<ReturnType<typeof readLog>>): unknown[] {
  return events.map(({ ts: _ts, ...rest }) => rest);
}

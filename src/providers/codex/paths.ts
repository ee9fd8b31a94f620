import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readLines } from '../../tail/index.js';
import { notRegularReason } from '../../tail/safe-open.js';
import type { SkippedFile } from '../../schema/index.js';
import { obj, str } from '../shared/index.js';

/** `<home>/.codex` when a home is given (tests, `ctx.home`), else `$CODEX_HOME`, else `~/.codex`. */
export function codexHome(home?: string): string {
  if (home !== undefined) return join(home, '.codex');
  const env = process.env.CODEX_HOME;
  return env && env.trim() !== '' ? env : join(homedir(), '.codex');
}

const ROLLOUT = /^rollout-(\d{4})-(\d\d)-(\d\d)T(\d\d)-(\d\d)-(\d\d)-(.+)\.jsonl$/;

/** A rollout file found on disk, known by its name only (nothing opened yet). */
export interface RolloutFile {
  path: string;
  /** The thread (session) id from the file name. */
  threadId: string;
  /** When the file was created, in ms: from the UUIDv7 id, else the name's local time. */
  createdMs: number;
}

/** Parses `rollout-YYYY-MM-DDThh-mm-ss-<thread id>.jsonl`; undefined for any other name. */
export function parseRolloutName(dir: string, name: string): RolloutFile | undefined {
  const m = ROLLOUT.exec(name);
  if (!m) return undefined;
  const threadId = m[7]!;
  const named = new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!).getTime();
  return { path: join(dir, name), threadId, createdMs: uuidV7Ms(threadId) ?? named };
}

/** The creation time a UUIDv7 carries in its first 48 bits (Codex thread ids are v7 since 2025). */
export function uuidV7Ms(id: string): number | undefined {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-/i.exec(id);
  return m ? parseInt(m[1]! + m[2]!, 16) : undefined;
}

/** `sessions/YYYY/MM/DD` for a date, in LOCAL time as Codex names its folders. */
export function dateFolder(sessionsRoot: string, d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return join(sessionsRoot, String(d.getFullYear()), p(d.getMonth() + 1), p(d.getDate()));
}

/** The rollout files directly in one folder (missing folder: none). */
export async function rolloutsIn(dir: string): Promise<RolloutFile[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: RolloutFile[] = [];
  for (const n of names) {
    const r = parseRolloutName(dir, n);
    if (r) out.push(r);
  }
  return out;
}

/** Every rollout under `dir`, at any depth up to 4 (`sessions/Y/M/D`, flat `archived_sessions`). */
export async function walkRollouts(
  dir: string,
  depth = 4,
  onSkipped?: (file: SkippedFile) => void,
): Promise<RolloutFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: RolloutFile[] = [];
  for (const e of entries) {
    // A loop, not push(...inner): one day's folder may hold more rollouts than a call takes arguments.
    if (e.isDirectory() && depth > 0) for (const r of await walkRollouts(join(dir, e.name), depth - 1, onSkipped)) out.push(r);
    else if (e.isFile()) {
      const r = parseRolloutName(dir, e.name);
      if (r) out.push(r);
      else onSkipped?.({ path: join(dir, e.name), reason: 'not a Codex rollout file (rollout-<time>-<thread id>.jsonl)' });
    } else if (!e.isDirectory()) {
      // A FIFO, device, socket or link: a link to a regular rollout is read like one, anything else is reported, never opened.
      const r = parseRolloutName(dir, e.name);
      const notRegular = r ? notRegularReason(r.path) : null;
      if (notRegular !== null) onSkipped?.({ path: r!.path, reason: notRegular });
      else if (r) out.push(r);
    }
  }
  return out;
}

/** Synchronous variant, for the one-time look-up a live adapter does before the CLI can append. */
export function walkRolloutsSync(dir: string, depth = 4): RolloutFile[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: RolloutFile[] = [];
  for (const e of entries) {
    if (e.isDirectory() && depth > 0) for (const r of walkRolloutsSync(join(dir, e.name), depth - 1)) out.push(r);
    else if (e.isFile()) {
      const r = parseRolloutName(dir, e.name);
      if (r) out.push(r);
    }
  }
  return out;
}

/** What the first records of a rollout say, read without parsing the whole file. */
export interface RolloutHead {
  threadId?: string;
  cwd?: string;
  model?: string;
  /** The parent thread when this thread is a sub-agent. */
  parentThreadId?: string;
  subagent: boolean;
}

/**
 * Reads the head of a rollout: `session_meta` (id, cwd, sub-agent source) and,
 * when `wantModel`, lines up to the first `turn_context` (the model), at most
 * `maxLines` lines. A file that does not exist yet or is empty gives `{}`.
 */
export async function readHead(path: string, wantModel: boolean, signal?: AbortSignal, maxLines = 200): Promise<RolloutHead> {
  const head: RolloutHead = { subagent: false };
  let n = 0;
  for await (const { line } of readLines(path, { signal, chunkSize: 64 * 1024 })) {
    if (++n > maxLines) break;
    let rec: Record<string, unknown> | undefined;
    try {
      rec = obj(JSON.parse(line));
    } catch {
      continue; // a half-written line; the head is re-read later
    }
    const type = str(rec?.type);
    const p = obj(rec?.payload);
    if (type === 'session_meta' && p) {
      head.threadId ??= str(p.id) ?? str(p.session_id);
      head.cwd ??= str(p.cwd);
      const sub = obj(p.source)?.subagent;
      if (sub !== undefined) {
        head.subagent = true;
        head.parentThreadId = str(obj(obj(sub)?.thread_spawn)?.parent_thread_id);
      }
      if (!wantModel) break;
    } else if (n === 1 && type === undefined) {
      head.threadId = str(rec?.id); // the bare pre-envelope format
    }
    if (type === 'turn_context' && p) {
      head.cwd ??= str(p.cwd);
      head.model = str(p.model);
      break;
    }
  }
  return head;
}



import { readdirSync, statSync } from 'node:fs';
import { readRegularFile, readRegularFileSync, SMALL_FILE_BYTES } from '../../tail/safe-open.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readLines } from '../../tail/index.js';
import { obj, str } from '../shared/index.js';
import { groupChats, listChats, listProjectDirs, projectDirsFor, projectHash, type ChatSession } from './paths.js';

/** A session file the live adapter follows. */
export interface FoundSession {
  path: string;
  format: 'json' | 'jsonl';
  projectDir: string;
  stem: string;
}

export interface SessionHeader {
  sessionId?: string;
  startTime?: string;
}

/**
 * Files can carry an mtime a little before the moment the wrapper noted as
 * its start (coarse file-system clocks), so "after startedAt" allows this much.
 */
export const CLOCK_SLACK_MS = 2_000;

/** The session id and start time a file declares: the JSONL header line, or the JSON document's top level. */
export async function readHeader(path: string, format: 'json' | 'jsonl'): Promise<SessionHeader | undefined> {
  try {
    if (format === 'jsonl') {
      for await (const { line } of readLines(path)) {
        const rec = obj(JSON.parse(line));
        return rec ? { sessionId: str(rec['sessionId']), startTime: str(rec['startTime']) } : undefined;
      }
      return undefined;
    }
    const doc = obj(JSON.parse((await readRegularFile(path)) ?? ''));
    return doc ? { sessionId: str(doc['sessionId']), startTime: str(doc['startTime']) } : undefined;
  } catch {
    return undefined; // missing, empty, or mid-rewrite: not identifiable yet
  }
}

function preferred(projectDir: string, s: ChatSession): FoundSession {
  // Resuming a legacy JSON session continues it as JSONL under the same name.
  const format = s.jsonl ? 'jsonl' : 'json';
  return { path: (s.jsonl ?? s.json)!, format, projectDir, stem: s.stem };
}

/** Project folders to search: the workspace's own first (slug, then hash), then all others. */
export async function searchDirs(gemini: string, workspace: string | undefined, all: boolean): Promise<string[]> {
  const own = workspace ? await projectDirsFor(gemini, workspace) : [];
  if (!all && workspace) return own;
  const others = (await listProjectDirs(gemini)).map((d) => join(gemini, 'tmp', d)).filter((d) => !own.includes(d));
  return [...own, ...others];
}

/** The session file whose id is `sessionId` (its name carries the first 8 characters). */
export async function findById(dirs: string[], sessionId: string): Promise<FoundSession | undefined> {
  const short = sessionId.slice(0, 8);
  for (const dir of dirs) {
    for (const s of groupChats(await listChats(dir))) {
      if (s.shortId !== short) continue;
      const found = preferred(dir, s);
      const header = await readHeader(found.path, found.format);
      if (header?.sessionId === sessionId) return found;
    }
  }
  return undefined;
}

/**
 * The session a CLI started after `startedAt` is writing: among files modified
 * since then, one whose name says it started then (a new session) wins over
 * one that merely grew (a resumed session); the newest of each kind first.
 */
export async function findNewest(dirs: string[], startedAt: Date, skip: ReadonlySet<string> = new Set()): Promise<FoundSession | undefined> {
  const since = startedAt.getTime() - CLOCK_SLACK_MS;
  const sinceMinute = new Date(since).toISOString().slice(0, 16);
  let best: { found: FoundSession; fresh: boolean; mtime: number } | undefined;
  for (const dir of dirs) {
    for (const s of groupChats(await listChats(dir))) {
      const found = preferred(dir, s);
      if (skip.has(found.path)) continue;
      const st = await stat(found.path).catch(() => undefined);
      if (!st || st.mtimeMs < since) continue;
      const fresh = s.startMinute >= sinceMinute;
      if (!best || (fresh && !best.fresh) || (fresh === best.fresh && st.mtimeMs > best.mtime)) {
        best = { found, fresh, mtime: st.mtimeMs };
      }
    }
  }
  return best?.found;
}

/** Size and identity of a chat file that existed, untouched, before the run started. */
export interface BaselineEntry {
  size: number;
  mtimeMs: number;
  ino: number;
}

/**
 * Chat files last modified before `startedAt`: they hold earlier runs (a
 * resumed session appends to its old file), which earlier logs already
 * have. Taken synchronously when the adapter is built, before the CLI can
 * write anything for this run.
 */
export function takeBaseline(
  gemini: string,
  workspace: string | undefined,
  startedAt: Date,
  /** With a known session id, only its own files (names carry its first 8 characters). */
  shortId?: string,
): Map<string, BaselineEntry> {
  const out = new Map<string, BaselineEntry>();
  const tmp = join(gemini, 'tmp');
  let dirs: string[];
  if (workspace && !shortId) {
    dirs = [projectHash(workspace)];
    try {
      const doc = JSON.parse(readRegularFileSync(join(gemini, 'projects.json'), SMALL_FILE_BYTES) ?? '') as { projects?: Record<string, unknown> };
      const slug = doc.projects?.[workspace];
      if (typeof slug === 'string') dirs.unshift(slug);
    } catch {
      // no registry
    }
  } else {
    dirs = safeReaddir(tmp);
  }
  const limit = startedAt.getTime();
  for (const d of dirs) {
    const chats = join(tmp, d, 'chats');
    for (const name of safeReaddir(chats)) {
      if (!/^session-.*\.jsonl?$/.test(name)) continue;
      if (shortId && !name.includes(`-${shortId}.json`)) continue;
      try {
        const st = statSync(join(chats, name));
        if (st.isFile() && st.mtimeMs < limit) out.set(join(chats, name), { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
      } catch {
        // vanished
      }
    }
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

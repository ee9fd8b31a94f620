import { createHash } from 'node:crypto';
import { readRegularFile, SMALL_FILE_BYTES } from '../../tail/safe-open.js';
import { readdir, realpath, stat } from 'node:fs/promises';
import type { SkippedFile } from '../../schema/index.js';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where Gemini CLI keeps its sessions: `<home>/.gemini/tmp/<project>/chats/`.
 * `<project>` is a slug mapped in `projects.json` (≥ ~0.29) or the sha256 of
 * the project root (older versions, and still the `projectHash` inside files).
 */

/** `<home>/.gemini`; without `home`, `$GEMINI_CLI_HOME/.gemini` (the CLI's own override) or `~/.gemini`. */
export function geminiDir(home?: string): string {
  if (home) return join(home, '.gemini');
  const envHome = process.env['GEMINI_CLI_HOME'];
  return join(envHome && envHome !== '' ? envHome : homedir(), '.gemini');
}

/** Gemini's `projectHash`: hex sha256 of the absolute project root. */
export function projectHash(root: string): string {
  return createHash('sha256').update(root).digest('hex');
}


/** `projects.json` as a map from absolute project root to its folder slug; empty when absent or broken. */
export async function readProjects(gemini: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  try {
    const doc: unknown = JSON.parse((await readRegularFile(join(gemini, 'projects.json'), SMALL_FILE_BYTES)) ?? '');
    const projects = (doc as { projects?: unknown } | null)?.projects;
    if (projects && typeof projects === 'object' && !Array.isArray(projects)) {
      for (const [path, slug] of Object.entries(projects)) if (typeof slug === 'string') out.set(path, slug);
    }
  } catch {
    // No registry (older versions) or one being rewritten: fall back to hashes.
  }
  return out;
}

/** Project folders that may hold `root`'s chats, most likely first: its slug, then its sha256 folder. */
export async function projectDirsFor(gemini: string, root: string): Promise<string[]> {
  const projects = await readProjects(gemini);
  // Gemini records the path it was started in; a symlinked workspace may be registered under its real path.
  const real = await realpath(root).catch(() => undefined);
  const roots = [...new Set([root, resolve(root), ...(real ? [real] : [])])];
  const dirs: string[] = [];
  for (const r of roots) {
    const slug = projects.get(r);
    if (slug) dirs.push(join(gemini, 'tmp', slug));
  }
  for (const r of roots) dirs.push(join(gemini, 'tmp', projectHash(r)));
  return [...new Set(dirs)];
}

/**
 * The project root a project folder stands for: its `.project_root` file,
 * else the `projects.json` entry naming it, else the entry whose sha256 is
 * the folder's name. Undefined when nothing says.
 */
export async function projectRootOf(gemini: string, dirName: string, projects: Map<string, string>): Promise<string | undefined> {
  try {
    const text = ((await readRegularFile(join(gemini, 'tmp', dirName, '.project_root'), SMALL_FILE_BYTES)) ?? '').trim();
    if (text) return text;
  } catch {
    // Older versions wrote no marker.
  }
  for (const [path, slug] of projects) if (slug === dirName) return path;
  if (/^[0-9a-f]{64}$/.test(dirName)) {
    for (const path of projects.keys()) if (projectHash(path) === dirName) return path;
  }
  return undefined;
}

/** One `chats/session-<YYYY-MM-DDThh-mm>-<id8>.json[l]` file. */
export interface ChatFile {
  path: string;
  /** File name without extension: the JSON and its JSONL migration share it. */
  stem: string;
  format: 'json' | 'jsonl';
  /** First 8 characters of the session id. */
  shortId: string;
  /** UTC start minute from the name, as `YYYY-MM-DDThh:mm`. */
  startMinute: string;
}

const SESSION_FILE = /^session-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(.+)\.(jsonl?)$/;

export function parseChatName(dir: string, name: string): ChatFile | undefined {
  const m = SESSION_FILE.exec(name);
  if (!m) return undefined;
  const format = m[5] === 'jsonl' ? 'jsonl' : 'json';
  return {
    path: join(dir, name),
    stem: name.slice(0, name.length - format.length - 1),
    format,
    shortId: m[4]!,
    startMinute: `${m[1]}T${m[2]}:${m[3]}`,
  };
}

/** The session files of one project folder, by name. */
export async function listChats(projectDir: string, onSkipped?: (file: SkippedFile) => void): Promise<ChatFile[]> {
  const chats = join(projectDir, 'chats');
  const entries = await readdir(chats, { withFileTypes: true }).catch(() => []);
  const out: ChatFile[] = [];
  for (const name of entries.map((e) => e.name).sort()) {
    const chat = parseChatName(chats, name);
    if (chat) out.push(chat);
    // Folders hold sub-agent chats (listSubagentFiles); any other file is one we cannot read.
    else if (!entries.find((e) => e.name === name)!.isDirectory()) {
      onSkipped?.({ path: join(chats, name), reason: 'not a Gemini chat file (session-<time>-<id>.json[l])' });
    }
  }
  return out;
}

/** A session: its JSONL file (preferred: resuming a JSON migrates it) and/or its legacy JSON. */
export interface ChatSession {
  stem: string;
  shortId: string;
  startMinute: string;
  jsonl?: string;
  json?: string;
}

export function groupChats(files: ChatFile[]): ChatSession[] {
  const byStem = new Map<string, ChatSession>();
  for (const f of files) {
    const s = byStem.get(f.stem) ?? { stem: f.stem, shortId: f.shortId, startMinute: f.startMinute };
    s[f.format] = f.path;
    byStem.set(f.stem, s);
  }
  return [...byStem.values()];
}

/**
 * Sub-agent session files of a parent session (~0.33+):
 * `chats/<parentSessionId>/<sessionId>.jsonl`. Before the parent is opened only
 * its id's first 8 characters are known, so folders are matched on those;
 * `parentId` narrows to the exact folder once it is known.
 */
export async function listSubagentFiles(projectDir: string, shortId: string, parentId?: string): Promise<string[]> {
  const chats = join(projectDir, 'chats');
  const entries = await readdir(chats, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!e.isDirectory() || !e.name.startsWith(shortId)) continue;
    if (parentId !== undefined && e.name !== parentId) continue;
    const dir = join(chats, e.name);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names.sort()) if (n.endsWith('.jsonl')) out.push(join(dir, n));
  }
  return out;
}

/** Project folders under `<gemini>/tmp` that have a `chats` folder. */
export async function listProjectDirs(gemini: string): Promise<string[]> {
  const tmp = join(gemini, 'tmp');
  const entries = await readdir(tmp, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const st = await stat(join(tmp, e.name, 'chats')).catch(() => undefined);
    if (st?.isDirectory()) out.push(e.name);
  }
  return out.sort();
}

import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messages, sessionFile } from './jsonl-adapter.js';

/** A fresh real directory under the OS temp dir; `cleanup()` removes it. */
export async function tempDir(prefix = 'asl-backfill-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export type LogLine = Record<string, unknown> & { seq: number; type: string; source_kind: string };

/** Every line of a log, parsed; throws on a line that is not JSON (a torn or half-written log). */
export async function readLog(path: string): Promise<LogLine[]> {
  const text = await readFile(path, 'utf8');
  expectWholeLines(text);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LogLine);
}

function expectWholeLines(text: string): void {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('log does not end with a newline');
}

export interface IndexEntry {
  wrapper_session_id: string;
  provider: string;
  provider_session_id: string | null;
  log_path: string;
  completeness: string;
  started_at: string;
  ended_at: string | null;
  workspace_path: string | null;
  command: string | null;
  source_paths: string[];
  backfilled: boolean;
}

export async function readIndex(logsDir: string): Promise<IndexEntry[]> {
  try {
    return (JSON.parse(await readFile(join(logsDir, 'index.json'), 'utf8')) as { sessions: IndexEntry[] }).sessions;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export interface StateFile {
  version: number;
  imported_session_keys: string[];
  sources?: Record<string, Record<string, { size: number; mtime_ms: number; ino: number }>>;
  empty_sources?: Record<string, unknown>;
  [k: string]: unknown;
}

export async function readState(logsDir: string): Promise<StateFile> {
  return JSON.parse(await readFile(join(logsDir, 'backfill_state.json'), 'utf8')) as StateFile;
}

/** Names in `<logsDir>/sessions`, sorted. */
export async function sessionFiles(logsDir: string): Promise<string[]> {
  try {
    return (await readdir(join(logsDir, 'sessions'))).sort();
  } catch {
    return [];
  }
}

/**
 * A temp folder with a small history under `home/alpha`: sessions s1, s2 and
 * s3 of `perSession` messages each, for JsonlTestAdapter; `logs` is where the
 * runs write (created only when asked).
 */
export async function threeSessionHistory(
  perSession: number,
  options: { createLogs?: boolean } = {},
): Promise<{ dir: string; src: string; logs: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir();
  const src = join(dir, 'home', 'alpha');
  const logs = join(dir, 'logs');
  await mkdir(src, { recursive: true });
  if (options.createLogs) await mkdir(logs, { recursive: true });
  for (const id of ['s1', 's2', 's3']) await writeFile(join(src, `${id}.jsonl`), sessionFile(id, messages(perSession, id)));
  return { dir, src, logs, cleanup };
}

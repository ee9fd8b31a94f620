import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { loadGlobalIndex, loadIndex, projectNameOf } from '../index-files/index.js';
import { summarizeLog } from '../index-files/log-summary.js';
import { logsDir as defaultLogsDir, zagBaseDir } from '../paths/index.js';
import type { SessionLogIndexEntry } from '../schema/index.js';
import { isSafeSessionId } from '../schema/safe-id.js';
import { scanLines } from './line-scan.js';
import type { LinePrefilter, ScopeOptions, SessionInfo, SessionSource } from './types.js';

/**
 * Sessions read from logs folders: each folder's `index.json`, plus logs in
 * `sessions/` that the index does not list yet (a live writer may be ahead
 * of it). With `allProjects`, every folder under `<home>/.zag` and whatever
 * the global index points to elsewhere.
 */
export class FolderSource implements SessionSource {
  readonly #dirs: readonly string[];
  readonly #globalBase: string | null;

  constructor(dirs: readonly string[], globalBase: string | null) {
    this.#dirs = dirs;
    this.#globalBase = globalBase;
  }

  async *sessions(signal?: AbortSignal): AsyncIterable<SessionInfo> {
    const found = new Map<string, SessionInfo>();
    for (const dir of this.#dirs) {
      signal?.throwIfAborted();
      for (const s of await sessionsOfFolder(dir)) if (!found.has(s.log_path)) found.set(s.log_path, s);
    }
    if (this.#globalBase !== null) {
      const global = await loadGlobalIndex(this.#globalBase).catch(() => ({ sessions: [] }));
      const known = new Set([...found.values()].map((s) => s.wrapper_session_id));
      for (const g of global.sessions) {
        if (known.has(g.session_id) || found.has(g.log_path)) continue;
        found.set(g.log_path, {
          wrapper_session_id: g.session_id,
          provider: g.provider,
          provider_session_id: null,
          log_path: g.log_path,
          started_at: g.started_at,
          ended_at: null,
          workspace_path: null,
          project: g.project,
        });
      }
    }
    const all = [...found.values()].sort((a, b) => (a.started_at ?? '').localeCompare(b.started_at ?? ''));
    yield* all;
  }

  lines(session: SessionInfo, prefilter: LinePrefilter | null, signal?: AbortSignal): AsyncIterable<readonly string[]> {
    return scanLines(session.log_path, prefilter, signal);
  }
}

/** The folder source for `{ logsDir, allProjects, home }`. */
export async function folderSource(options: ScopeOptions): Promise<FolderSource> {
  const home = options.home !== undefined ? { home: options.home } : {};
  if (!options.allProjects) return new FolderSource([options.logsDir ?? defaultLogsDir(undefined, home)], null);
  const base = zagBaseDir(home);
  const dirs: string[] = [];
  const projects = await readdir(join(base, 'projects'), { withFileTypes: true }).catch(() => []);
  for (const d of projects) if (d.isDirectory()) dirs.push(join(base, 'projects', d.name, 'logs'));
  dirs.push(join(base, 'logs'));
  if (options.logsDir !== undefined) dirs.push(options.logsDir);
  return new FolderSource(dirs, base);
}

async function sessionsOfFolder(dir: string): Promise<SessionInfo[]> {
  const project = projectNameOf(dir);
  const sessionsDir = join(dir, 'sessions');
  const index = await loadIndex(dir).catch(() => ({ sessions: [] as SessionLogIndexEntry[] }));
  const out: SessionInfo[] = [];
  const listed = new Set<string>();
  for (const e of index.sessions) {
    // Readers prefer the log inside this folder to an absolute path recorded elsewhere.
    const local = join(sessionsDir, `${e.wrapper_session_id}.jsonl`);
    const logPath = existsSync(local) ? local : e.log_path;
    listed.add(basename(logPath) === basename(local) && dirname(logPath) === sessionsDir ? local : logPath);
    out.push(fromEntry(e, logPath, project));
  }
  const files = await readdir(sessionsDir).catch(() => [] as string[]);
  for (const f of files) {
    const path = join(sessionsDir, f);
    if (!f.endsWith('.jsonl') || listed.has(path) || !isSafeSessionId(f.slice(0, -'.jsonl'.length))) continue;
    const entry = summarizeLog(path);
    if (entry) out.push(fromEntry(entry, path, project));
  }
  return out;
}

function fromEntry(e: SessionLogIndexEntry, logPath: string, project: string): SessionInfo {
  return {
    wrapper_session_id: e.wrapper_session_id,
    provider: e.provider,
    provider_session_id: e.provider_session_id ?? null,
    log_path: logPath,
    started_at: e.started_at ?? null,
    ended_at: e.ended_at ?? null,
    workspace_path: e.workspace_path ?? null,
    project,
  };
}

/** The source for a scope: the given store, else the folders. */
export async function sourceFor(options: ScopeOptions): Promise<SessionSource> {
  return options.store ?? (await folderSource(options));
}

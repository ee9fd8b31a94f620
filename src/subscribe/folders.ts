import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { GLOBAL_INDEX_FILE_NAME, loadGlobalIndex, projectNameOf } from '../index-files/index.js';

/** The folders a folder feed reads, and what it watches to learn about new ones. */
export interface FeedLayout {
  /** Each `sessions/` folder, with the project name its sessions are reported under. */
  sessionsDirs: Map<string, string | null>;
  /** Extra paths whose change means "look for new folders" (the global index, `projects/`). */
  discoveryPaths: string[];
}

/** Where sessions are found: one logs folder, or every project through the global index. */
export type FeedScope = { kind: 'logsDir'; logsDir: string } | { kind: 'all'; baseDir: string };

/**
 * Lists the sessions folders of a scope. For all projects: the folders of the
 * logs the global index names, plus `<base>/projects/*\/logs/sessions` and
 * `<base>/logs/sessions`, so a project whose first session is not in the
 * global index yet is still seen.
 */
export async function feedLayout(scope: FeedScope): Promise<FeedLayout> {
  if (scope.kind === 'logsDir') {
    return { sessionsDirs: new Map([[path.resolve(scope.logsDir, 'sessions'), null]]), discoveryPaths: [] };
  }
  const base = path.resolve(scope.baseDir);
  const dirs = new Map<string, string | null>();
  const global = await loadGlobalIndex(base).catch(() => ({ sessions: [] }));
  // A plain loop, not a spread: the global index can hold a very large number of entries.
  for (const e of global.sessions) {
    const dir = path.dirname(path.resolve(e.log_path));
    if (!dirs.has(dir)) dirs.set(dir, e.project);
  }
  const projects = path.join(base, 'projects');
  const names = await readdir(projects, { withFileTypes: true }).catch(() => []);
  for (const d of names) {
    if (!d.isDirectory()) continue;
    const logs = path.join(projects, d.name, 'logs');
    const dir = path.join(logs, 'sessions');
    if (!dirs.has(dir)) dirs.set(dir, projectNameOf(logs));
  }
  const own = path.join(base, 'logs', 'sessions');
  if (!dirs.has(own)) dirs.set(own, null);
  return { sessionsDirs: dirs, discoveryPaths: [path.join(base, GLOBAL_INDEX_FILE_NAME), projects] };
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LogsDirOptions {
  /** Replaces the user's home directory. Default `os.homedir()`. */
  home?: string;
  /** Where to look for the git root when no root is given. Default `process.cwd()`. */
  cwd?: string;
}

/** zag's project folder name for a root: leading `/`s removed, every other `/` turned into `-`. */
export function sanitizeProjectPath(root: string): string {
  return root.replace(/^\/+/, '').replace(/\//g, '-');
}

/** zag's base folder: `<home>/.zag`. */
export function zagBaseDir(options: { home?: string } = {}): string {
  return path.join(options.home ?? os.homedir(), '.zag');
}

/**
 * The top of the git work tree containing `dir`, found by walking up to the
 * first folder that has a `.git` entry (a folder, or a file in worktrees and
 * submodules), like `git rev-parse --show-toplevel`; null outside any repository.
 * Symlinks are resolved first, as git reports the real path.
 */
export function findGitRoot(dir: string): string | null {
  let cur: string;
  try {
    cur = fs.realpathSync(path.resolve(dir));
  } catch {
    cur = path.resolve(dir);
  }
  for (;;) {
    if (fs.existsSync(path.join(cur, '.git'))) return cur;
    const up = path.dirname(cur);
    if (up === cur) return null;
    cur = up;
  }
}

/**
 * The logs folder zag uses: `$ZAG_USER_LOG_DIR` if set; else
 * `<home>/.zag/projects/<sanitized root>/logs` for an explicit root or, without
 * one, for the git root of `cwd`; outside any git repository `<home>/.zag/logs`.
 */
export function logsDir(root?: string | null, options: LogsDirOptions = {}): string {
  const env = process.env.ZAG_USER_LOG_DIR;
  if (env) return env;
  const base = zagBaseDir(options);
  const project = root ?? findGitRoot(options.cwd ?? process.cwd());
  if (project === null || project === undefined) return path.join(base, 'logs');
  return path.join(base, 'projects', sanitizeProjectPath(project), 'logs');
}

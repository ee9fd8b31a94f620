import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logsDir } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

describe('logsDir (zag resolution)', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.ZAG_USER_LOG_DIR;
    delete process.env.ZAG_USER_LOG_DIR;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.ZAG_USER_LOG_DIR;
    else process.env.ZAG_USER_LOG_DIR = saved;
  });

  it('uses $ZAG_USER_LOG_DIR first', () => {
    process.env.ZAG_USER_LOG_DIR = '/srv/zag/user-logs';
    expect(logsDir('/home/u/proj', { home: '/h' })).toBe('/srv/zag/user-logs');
    expect(logsDir(undefined, { home: '/h' })).toBe('/srv/zag/user-logs');
  });

  it('maps an explicit root to ~/.zag/projects/<root without leading /, / -> -> /logs', () => {
    expect(logsDir('/home/user/demo', { home: '/h' })).toBe('/h/.zag/projects/home-user-demo/logs');
    expect(logsDir('//srv/a/b', { home: '/h' })).toBe('/h/.zag/projects/srv-a-b/logs');
    expect(logsDir('rel/dir', { home: '/h' })).toBe('/h/.zag/projects/rel-dir/logs');
  });

  it('without a root uses the git root of cwd, found by walking up to a .git entry', () => {
    const repo = fs.realpathSync(tempDir('asl-repo-'));
    fs.mkdirSync(path.join(repo, '.git'));
    const deep = path.join(repo, 'src', 'deep');
    fs.mkdirSync(deep, { recursive: true });
    const expected = path.join('/h/.zag/projects', repo.replace(/^\/+/, '').replace(/\//g, '-'), 'logs');
    expect(logsDir(undefined, { home: '/h', cwd: deep })).toBe(expected);
    expect(logsDir(null, { home: '/h', cwd: repo })).toBe(expected);
  });

  it('treats a .git file (worktree, submodule) as a repository root too', () => {
    const wt = fs.realpathSync(tempDir('asl-wt-'));
    fs.writeFileSync(path.join(wt, '.git'), 'gitdir: /elsewhere/.git/worktrees/wt\n');
    fs.mkdirSync(path.join(wt, 'sub'));
    expect(logsDir(undefined, { home: '/h', cwd: path.join(wt, 'sub') })).toBe(
      path.join('/h/.zag/projects', wt.slice(1).replace(/\//g, '-'), 'logs'),
    );
  });

  it('resolves symlinks in cwd first, as git reports the real path', () => {
    const repo = fs.realpathSync(tempDir('asl-real-'));
    fs.mkdirSync(path.join(repo, '.git'));
    const links = tempDir('asl-link-');
    fs.symlinkSync(repo, path.join(links, 'l'));
    expect(logsDir(undefined, { home: '/h', cwd: path.join(links, 'l') })).toBe(
      path.join('/h/.zag/projects', repo.slice(1).replace(/\//g, '-'), 'logs'),
    );
  });

  it('outside any git repository falls back to ~/.zag/logs', () => {
    const plain = tempDir('asl-plain-');
    // Only meaningful if the temp dir itself is not inside a repository.
    let inRepo = false;
    for (let d = fs.realpathSync(plain); ; d = path.dirname(d)) {
      if (fs.existsSync(path.join(d, '.git'))) inRepo = true;
      if (path.dirname(d) === d) break;
    }
    expect(inRepo).toBe(false);
    expect(logsDir(undefined, { home: '/h', cwd: plain })).toBe('/h/.zag/logs');
  });
});

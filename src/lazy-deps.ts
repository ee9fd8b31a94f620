import { createRequire } from 'node:module';

/**
 * Our third-party packages, each loaded on its first use instead of at import.
 * Loading them all up front doubled the cost of `import('agent-session-log')`
 * and of every CLI start (issue 14), though most programs use one or two.
 * The CommonJS ones come through `require` (Node caches it), so synchronous
 * callers stay synchronous; chokidar is ESM-only and comes through `import()`.
 * This file imports nothing of ours, so any folder may use it.
 */
const require = createRequire(import.meta.url);

export function properLockfile(): typeof import('proper-lockfile') {
  return require('proper-lockfile') as typeof import('proper-lockfile');
}

export function writeFileAtomic(): typeof import('write-file-atomic') {
  return require('write-file-atomic') as typeof import('write-file-atomic');
}

export function cliProgress(): typeof import('cli-progress') {
  return require('cli-progress') as typeof import('cli-progress');
}

let chokidar: Promise<typeof import('chokidar')> | undefined;

/** A failed load (EMFILE, say) is not cached: the next call tries again. */
export function loadChokidar(): Promise<typeof import('chokidar')> {
  chokidar ??= import('chokidar').catch((err: unknown) => {
    chokidar = undefined;
    throw err;
  });
  return chokidar;
}

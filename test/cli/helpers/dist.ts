/**
 * The CLI tests run the BUILT bin (`node dist/cli/bin.js`), as a user would.
 * `ensureCliBuilt()` rebuilds `dist/` with tsc when a source is newer than the
 * last build (or dist is missing, as in CI's clean clone). It uses the same
 * lock and stamp as test/writer/helpers/dist.ts, so test files running in
 * parallel build once. tsc's exit code alone is not trusted (it still emits
 * when an unrelated file has a type error): the bin must exist afterwards.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../../../src/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DIST = path.join(ROOT, 'dist');
export const BIN = path.join(DIST, 'cli', 'bin.js');
const STAMP = path.join(DIST, '.build-stamp');
const REQUIRED = ['cli/bin.js', 'cli/main.js', 'index.js'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  try {
    if (!REQUIRED.every((f) => fs.existsSync(path.join(DIST, f)))) return false;
    return fs.statSync(STAMP).mtimeMs >= newestSource(path.join(ROOT, 'src'));
  } catch {
    return false;
  }
}

export async function ensureCliBuilt(): Promise<string> {
  if (isFresh()) return BIN;
  await withFileLock(
    path.join(ROOT, 'dist-build'),
    () => {
      if (isFresh()) return;
      const started = Date.now();
      try {
        execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
          cwd: ROOT,
          stdio: 'pipe',
        });
      } catch (err) {
        const missing = REQUIRED.filter((f) => !fs.existsSync(path.join(DIST, f)));
        if (missing.length > 0) throw new Error(`tsc did not produce ${missing.join(', ')}: ${String(err)}`);
      }
      fs.writeFileSync(STAMP, '');
      fs.utimesSync(STAMP, started / 1000, started / 1000);
    },
    { timeoutMs: 120_000, staleMs: 60_000 },
  );
  return BIN;
}

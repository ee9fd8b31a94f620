/**
 * Child processes in these tests run the BUILT package (`dist/`), as a user
 * would (the CLI tests run `node dist/cli/bin.js`), since plain Node cannot
 * import the TypeScript sources. `ensureDist()` rebuilds `dist/`
 * with tsc when any file under `src/` is newer than the last build, holding a
 * cross-process lock so that test files running in parallel build it once.
 * A clean clone (`npm ci && npm test`) therefore needs no extra step.
 * tsc's exit code is not trusted alone (it still emits when some unrelated
 * file has a type error); the modules the children import must exist.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../../src/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
export const BIN = path.join(DIST, 'cli', 'bin.js');
const REQUIRED = ['index.js', 'writer/index.js', 'index-files/index.js', 'paths/index.js', 'record/index.js', 'cli/bin.js', 'cli/main.js'];

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
    // Without our stamp (e.g. dist built by `npm ci`'s prepare), the oldest required output dates the build.
    const built = fs.existsSync(STAMP)
      ? fs.statSync(STAMP).mtimeMs
      : Math.min(...REQUIRED.map((f) => fs.statSync(path.join(DIST, f)).mtimeMs));
    return built >= newestSource(path.join(ROOT, 'src'));
  } catch {
    return false;
  }
}

export async function ensureDist(): Promise<string> {
  if (isFresh()) return DIST;
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
  return DIST;
}

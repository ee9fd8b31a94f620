import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, DIST, ensureDist } from '../helpers/dist.js';

/**
 * Start-up cost is mostly module loading (issue 14): these run the BUILT package in a fresh
 * Node with the module loader's debug log on, and list every file it loaded. The log's own
 * mention of our entry file proves the trace works, so the checks cannot pass vacuously.
 */
function loadedFiles(args: readonly string[]): string[] {
  const r = spawnSync(process.execPath, args, { env: { ...process.env, NODE_DEBUG: 'esm,module' }, encoding: 'utf8' });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  return [...new Set(r.stderr.match(/(?:file:\/\/)?\/[^\s'"]+\.(?:js|mjs|cjs|json)/g) ?? [])];
}

beforeAll(async () => {
  await ensureDist();
}, 120_000);

describe('start-up of a fresh process', () => {
  it('import("agent-session-log") loads no third-party package: each loads on first use', () => {
    const entry = pathToFileURL(path.join(DIST, 'index.js')).href;
    const files = loadedFiles(['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`]);
    expect(files.some((f) => f.includes(`${path.sep}dist${path.sep}index.js`))).toBe(true);
    expect(files.filter((f) => f.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
  });

  it('agent-session-log --version loads neither a command nor the library', () => {
    const files = loadedFiles([BIN, '--version']);
    expect(files.some((f) => f.includes(`${path.sep}cli${path.sep}bin.js`))).toBe(true);
    const ours = files.filter((f) => f.includes(`${path.sep}dist${path.sep}`)).map((f) => path.relative(DIST, f.replace(/^file:\/\//, '')));
    expect(new Set(ours)).toEqual(new Set(['cli/bin.js', 'cli/version.js']));
    expect(files.filter((f) => f.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
  });
});

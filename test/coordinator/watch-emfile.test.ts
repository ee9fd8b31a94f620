import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ofType, readEvents, tempDir } from './helpers.js';
import { transpileForChild } from '../helpers/transpile.js';

const CHILD = fileURLToPath(new URL('./child-emfile.mjs', import.meta.url));

let root: string;
beforeAll(async () => {
  root = (await transpileForChild()).root;
});
afterAll(async () => rm(root, { recursive: true, force: true }));

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe.skipIf(process.platform === 'win32')('watcher failure from a real EMFILE', () => {
  it('reports it once as provider_status and keeps capturing on the timer', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      // A low descriptor limit so the child can exhaust it quickly.
      const child = spawn('sh', ['-c', 'ulimit -n 256 && exec "$0" "$@"', process.execPath, CHILD, root, dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`child exited ${code}: ${stderr}`))));
    });
    const report = JSON.parse(out) as { failureSeen: boolean; seen: string[]; watching: string[]; logPath: string };
    expect(report.failureSeen).toBe(true);
    expect(report.seen).toEqual(['one', 'two']);
    expect(report.watching).toEqual([]);
    const events = await readEvents(report.logPath);
    const watcher = ofType(events, 'provider_status').filter(
      (e) => (e.data as Record<string, unknown> | null)?.source === 'watcher',
    );
    expect(watcher).toHaveLength(1);
    expect(watcher[0]?.data).toMatchObject({ error_code: 'EMFILE' });
    expect(events.at(-1)).toMatchObject({ type: 'session_ended', success: true });
  });
});

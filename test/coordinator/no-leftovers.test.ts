import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readEvents, tempDir } from './helpers.js';
import { transpileForChild } from '../helpers/transpile.js';

const CHILD = fileURLToPath(new URL('./child-lifecycle.mjs', import.meta.url));
// Generous: the child starts Node, imports the library and runs two short sessions.
const EXIT_WITHIN_MS = 8000;

let root: string;
beforeAll(async () => {
  root = (await transpileForChild()).root;
});
afterAll(async () => rm(root, { recursive: true, force: true }));

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

function runChild(): Promise<{ code: number | null; stdout: string; stderr: string; exitedOnItsOwn: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, root, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exitedOnItsOwn = true;
    const killer = setTimeout(() => {
      exitedOnItsOwn = false;
      child.kill('SIGKILL');
    }, EXIT_WITHIN_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, exitedOnItsOwn });
    });
  });
}

describe('no timers or watchers left behind', () => {
  it('a process that ran coordinator lifecycles exits on its own, with nothing of theirs still alive', async () => {
    const result = await runChild();
    expect(result.stderr).toBe('');
    expect(result.exitedOnItsOwn).toBe(true);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { seen: string[]; leaked: string[] };
    expect(report.leaked).toEqual([]);
    expect(report.seen).toEqual(expect.arrayContaining(['session_started', 'one', 'two', 'tail without newline']));
    expect(report.seen.filter((t) => t === 'session_ended')).toHaveLength(1);

    const first = await readEvents(`${dir}/logs/sessions/child-1.jsonl`);
    expect(first.at(-1)).toMatchObject({ type: 'session_ended', success: true });
    const second = await readEvents(`${dir}/logs/sessions/child-2.jsonl`);
    expect(second.map((e) => e.type).filter((t) => t !== 'heartbeat')).toEqual(['session_started', 'session_ended']);
    expect(second.at(-1)).toMatchObject({ success: false });
  });
});

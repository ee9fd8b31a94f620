/**
 * Issue 13: provider folders are untrusted. FIFOs, devices and odd ids in
 * them must neither hang the import, nor fill memory, nor become file names.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultHistoricalAdapters, runBackfill } from '../../src/index.js';
import { DIST, ensureDist } from '../helpers/dist.js';
import { linkToDevZero, mkfifo } from '../helpers/special-files.js';
import { buildFakeHome } from './helpers/fake-home.js';
import { tempDir } from './helpers/fs.js';

let dir: string;
let cleanup: () => Promise<void>;
let home: string;
let logs: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('asl-hostile-'));
  home = await buildFakeHome(join(dir, 'home'));
  logs = join(dir, 'logs');
});
afterEach(() => cleanup());

const CLAUDE_DIR = () => join(home, '.claude', 'projects', '-home-user-demo');
const GEMINI_CHATS = () => join(home, '.gemini', 'tmp', 'demo', 'chats');
const CLAUDE_ID = '11111111-2222-4333-8444-555555555555';
const GEMINI_NAME = 'session-2026-11-28T20-05-deadbeef.jsonl';

async function importOnce() {
  return runBackfill(logs, null, defaultHistoricalAdapters({ home }), { inWorker: false });
}

describe('non-regular files in provider folders', () => {
  it('a FIFO as a Claude or Gemini session file is skipped, reported with its reason, and the import ends', async () => {
    mkfifo(join(CLAUDE_DIR(), `${CLAUDE_ID}.jsonl`));
    mkfifo(join(GEMINI_CHATS(), GEMINI_NAME));
    const result = await importOnce();
    expect(result.skippedFiles).toEqual(
      expect.arrayContaining([
        { path: join(CLAUDE_DIR(), `${CLAUDE_ID}.jsonl`), reason: expect.stringContaining('FIFO') },
        { path: join(GEMINI_CHATS(), GEMINI_NAME), reason: expect.stringContaining('FIFO') },
      ]),
    );
    expect(result.skippedFiles).toHaveLength(2);
    expect(result.failed).toEqual([]);
    expect(result.imported).toBeGreaterThan(5);
    const logsWritten = await readdir(join(logs, 'sessions'));
    expect(logsWritten).not.toContain(`${CLAUDE_ID}.jsonl`);
  }, 60_000);

  it('a symlink to /dev/zero as a session file is skipped as a character device', async () => {
    linkToDevZero(join(CLAUDE_DIR(), `${CLAUDE_ID}.jsonl`));
    linkToDevZero(join(GEMINI_CHATS(), GEMINI_NAME));
    const result = await importOnce();
    expect(result.skippedFiles.map((f) => f.reason)).toEqual([
      expect.stringContaining('character device'),
      expect.stringContaining('character device'),
    ]);
    expect(result.failed).toEqual([]);
  }, 60_000);

  it('an import in a child process with /dev/zero and FIFO session files ends, with bounded memory', async () => {
    await ensureDist();
    linkToDevZero(join(CLAUDE_DIR(), `${CLAUDE_ID}.jsonl`));
    linkToDevZero(join(GEMINI_CHATS(), GEMINI_NAME));
    await mkdir(join(home, '.copilot', 'history-session-state'), { recursive: true });
    mkfifo(join(home, '.copilot', 'history-session-state', 'fifo-session.json'));
    // A child that imports and prints its peak memory; killed after 60 s (a hang fails the test).
    const script = `
      const { runBackfill, defaultHistoricalAdapters } = await import(${JSON.stringify(join(DIST, 'index.js'))});
      const r = await runBackfill(process.argv[1], null, defaultHistoricalAdapters({ home: process.argv[2] }));
      console.log(JSON.stringify({ skipped: r.skippedFiles.length, failed: r.failed.length, maxRssKiB: process.resourceUsage().maxRSS }));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, logs, home], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout.trim()) as { skipped: number; failed: number; maxRssKiB: number };
    expect(out.skipped).toBe(3);
    expect(out.failed).toBe(0);
    // The attack reached gigabytes; an import of this small home stays far below 400 MB.
    expect(out.maxRssKiB).toBeLessThan(400 * 1024);
  }, 90_000);
});

describe('provider ids that are not safe file names', () => {
  it('a Claude session file whose name holds a newline or ESC is refused on import, never used as a log name', async () => {
    const src = join(CLAUDE_DIR(), 'acbcaeec-53a3-497b-b9ea-09bf1d282432.jsonl');
    const evil = ['clear\u001b[2Jscreen', 'c1\u009bcsi', 'bell\u0007'];
    for (const id of [...evil, 'evil\nline']) await copyFile(src, join(CLAUDE_DIR(), `${id}.jsonl`));
    const result = await importOnce();
    // ('evil\nline' is not even listed as a session: the listing's pattern stops at a newline.)
    for (const id of evil) {
      expect(result.failed).toContainEqual({ key: expect.stringContaining('claude:'), error: expect.stringContaining(JSON.stringify(id)) });
    }
    const names = await readdir(join(logs, 'sessions'));
    // eslint-disable-next-line no-control-regex
    expect(names.filter((n) => /[\u0000-\u001f\u007f-\u009f]/.test(n))).toEqual([]);
  }, 60_000);
});

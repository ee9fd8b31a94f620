import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayInChunks } from '../helpers/replay.js';
import { ensureDist } from '../helpers/dist.js';
import { collect, runCli, startCli } from './helpers/run.js';

const ZAG_FIXTURE = fileURLToPath(new URL('../read/fixtures/zag-written.jsonl', import.meta.url));

let tmp: string;
let home: string;
let logs: string;
let source: string[];

beforeAll(async () => {
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-cli-listen-'));
  home = join(tmp, 'home');
  logs = join(tmp, 'logs');
  await mkdir(join(logs, 'sessions'), { recursive: true });
  source = (await readFile(ZAG_FIXTURE, 'utf8')).trimEnd().split('\n');
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Collects a child's stdout lines; `waitFor(n)` resolves once there are `n`. */
function lineWatcher(child: ChildProcess): { waitFor(n: number): Promise<string[]> } {
  let text = '';
  const waiters: { n: number; resolve: (lines: string[]) => void; reject: (e: Error) => void }[] = [];
  const lines = (): string[] => text.split('\n').filter(Boolean);
  const check = (): void => {
    for (const w of [...waiters]) {
      if (lines().length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(lines());
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
    check();
  });
  child.on('exit', (code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`listen exited (${code}) after: ${text}`));
  });
  return {
    waitFor: (n) =>
      new Promise((resolve, reject) => {
        waiters.push({ n, resolve, reject });
        check();
      }),
  };
}

describe('listen', () => {
  it('prints what is there, then what another process appends, and exits 130 on SIGINT (Ctrl-C)', async () => {
    const log = join(logs, 'sessions', 'live-1.jsonl');
    const first = source.slice(0, 3).map((l) => l.replaceAll('zag-ses-1', 'live-1'));
    const rest = source.slice(3).map((l) => l.replaceAll('zag-ses-1', 'live-1'));
    await writeFile(log, `${first.join('\n')}\n`);
    const restFile = join(tmp, 'rest.jsonl');
    await writeFile(restFile, `${rest.join('\n')}\n`);

    const child = startCli(['listen', 'live-1', '--json', '--logs-dir', logs, '--home', home], { home });
    const watcher = lineWatcher(child);
    const done = collect(child);
    await watcher.waitFor(3);
    await replayInChunks(restFile, log, { seed: 3, maxChunk: 64, maxDelayMs: 10 });
    const all = await watcher.waitFor(source.length);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    // Lines come back in zag's form, except that usage_limit_hit's duplicate `provider` key is written once.
    const expected = [...first, ...rest].map((l) => l.replace(',"type":"usage_limit_hit","provider":"claude"', ',"type":"usage_limit_hit"'));
    expect(all).toEqual(expected);
    expect(result.stderr).toBe('');
  });

  it('--from-seq starts there; --until-end stops by itself after session_ended', async () => {
    const log = join(logs, 'sessions', 'live-2.jsonl');
    const lines = source.map((l) => l.replaceAll('zag-ses-1', 'live-2'));
    await writeFile(log, `${lines.slice(0, 6).join('\n')}\n`);
    const child = startCli(['listen', 'live-2', '--from-seq', '5', '--until-end', '--logs-dir', logs, '--home', home], {
      home,
    });
    const watcher = lineWatcher(child);
    const done = collect(child);
    const seen = await watcher.waitFor(2);
    expect(seen[0]).toMatch(/^\s+5 \S+ tool_result\s+✓ Bash/);
    await appendFile(log, `${lines.slice(6).join('\n')}\n`);
    const result = await done;
    expect(result.code).toBe(0);
    const printed = result.stdout.trimEnd().split('\n');
    expect(printed.map((l) => l.trim().split(/\s+/)[0])).toEqual(['5', '6', '7', '8', '0', '9', '10', '11']);
    expect(printed.at(-1)).toMatch(/session_ended\s+completed$/);
    expect(result.stderr).toContain('Listening to live-2');
  });

  it('waits for a session whose log does not exist yet, then follows it once written', async () => {
    const lines = source.map((l) => l.replaceAll('zag-ses-1', 'later-1'));
    // Global options before the command, as `--logs-dir X listen ...`.
    const child = startCli(['--logs-dir', logs, '--home', home, 'listen', 'later-1', '--until-end'], { home });
    let stderr = '';
    const waiting = new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('waiting for')) resolve();
      });
    });
    const watcher = lineWatcher(child);
    const done = collect(child);
    await waiting;
    expect(stderr).toContain(`No session 'later-1' yet: waiting for ${join(logs, 'sessions', 'later-1.jsonl')}`);
    await writeFile(join(logs, 'sessions', 'later-1.jsonl'), `${lines.join('\n')}\n`);
    await watcher.waitFor(lines.length);
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/session_ended\s+completed$/);
  });

  it('a session name that cannot be a file name is not waited for: exit 1 with one line', async () => {
    const r = await runCli(['listen', 'no/such', '--logs-dir', logs, '--home', home], { home });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([`agent-session-log: no session matches 'no/such' in ${logs} [ERR_NOT_FOUND]`]);
  });

  it.each([['--from-seq', '-5'], ['--from-seq=-5']])('a negative --from-seq is bad usage with a clear message (%s)', async (...opt) => {
    const r = await runCli(['listen', 'live-1', ...opt.filter(Boolean), '--logs-dir', logs, '--home', home], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^agent-session-log: --from-seq cannot be negative \(got -5\): seq numbers start at 1/);
  });
});

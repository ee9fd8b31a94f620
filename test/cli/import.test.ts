import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSessionLog, type SessionLogIndexEntry } from '../../src/index.js';
import { buildFixtureHome } from '../../scripts/fixture-home.mjs';
import { BIN, ensureDist } from '../helpers/dist.js';
import { cliEnv, runCli } from './helpers/run.js';

interface ImportSummary {
  logs_dir: string;
  imported: number;
  skipped: number;
  failed: { key: string; error: string }[];
}

let tmp: string;
let home: string;

beforeAll(async () => {
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-cli-import-'));
  home = join(tmp, 'home');
  await buildFixtureHome(home);
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function index(logs: string): Promise<SessionLogIndexEntry[]> {
  return (JSON.parse(await readFile(join(logs, 'index.json'), 'utf8')) as { sessions: SessionLogIndexEntry[] }).sessions;
}

describe('import', () => {
  const logs = (): string => join(tmp, 'logs-all');

  it('imports every sample session of the four agents (--json summary parsed), each a valid log', async () => {
    const r = await runCli(['import', '--home', home, '--logs-dir', logs(), '--json'], { home });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as ImportSummary;
    expect(summary.failed).toEqual([]);
    expect(summary.logs_dir).toBe(logs());
    const entries = await index(logs());
    expect(summary.imported).toBe(entries.length);
    expect(new Set(entries.map((e) => e.provider))).toEqual(new Set(['claude', 'codex', 'gemini', 'copilot']));
    expect(entries.every((e) => e.backfilled)).toBe(true);
    const files = await readdir(join(logs(), 'sessions'));
    expect(files.sort()).toEqual(entries.map((e) => `${e.wrapper_session_id}.jsonl`).sort());
    for (const e of entries) {
      const types: string[] = [];
      for await (const ev of readSessionLog(e.log_path)) types.push(ev.type);
      expect(types[0]).toBe('session_started');
      expect(types.at(-1)).toBe('session_ended');
    }
    // --json means no progress output.
    expect(r.stderr).toBe('');
  });

  it('is incremental: a second run imports nothing, a grown session is imported again', async () => {
    const logs = (): string => join(tmp, 'logs-incremental');
    const first = JSON.parse((await runCli(['import', '--home', home, '--logs-dir', logs(), '--json'], { home })).stdout) as ImportSummary;
    expect(first.imported).toBeGreaterThan(0);
    const again = JSON.parse((await runCli(['import', '--home', home, '--logs-dir', logs(), '--json'], { home })).stdout) as ImportSummary;
    const count = (await index(logs())).length;
    expect(again).toMatchObject({ imported: 0, failed: [], skippedFiles: [] });
    // Not toBe(count): runBackfill also counts a candidate that yields no session as skipped.
    expect(again.skipped).toBeGreaterThanOrEqual(count);

    const dir = join(home, '.claude', 'projects', '-home-user-demo');
    const file = join(dir, 'f3128607-2f3e-4296-a9be-a435a1fe3c79.jsonl');
    const lastLine = (await readFile(file, 'utf8')).trimEnd().split('\n').at(-1)!;
    await appendFile(file, `${lastLine}\n`);
    const third = JSON.parse((await runCli(['import', '--home', home, '--logs-dir', logs(), '--json'], { home })).stdout) as ImportSummary;
    expect(third).toMatchObject({ imported: 1, skipped: again.skipped - 1, failed: [], skippedFiles: [] });
  });

  it('--provider limits the import; plain progress lines go to stderr when it is not a terminal', async () => {
    const only = join(tmp, 'logs-codex');
    const r = await runCli(['import', '--provider', 'codex', '--home', home, '--logs-dir', only], { home });
    expect(r.code).toBe(0);
    const entries = await index(only);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.provider === 'codex')).toBe(true);
    expect(r.stdout).toBe(`Imported ${entries.length} sessions, 0 unchanged, into ${only}\n`);
    expect(r.stderr).toMatch(/^Scanning agent history…\nImporting: \d+ files, [\d.]+ MB\n/);
    expect(r.stderr).not.toContain('\u001b[');
  });

  it("--root imports only that project's sessions; without a project it imports all into <home>/.zag/logs", async () => {
    const only = join(tmp, 'logs-root');
    const r = await runCli(['import', '--root', '/home/user/demo', '--home', home, '--logs-dir', only, '--json'], { home });
    expect(r.code).toBe(0);
    const entries = await index(only);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.workspace_path === '/home/user/demo')).toBe(true);
    expect(new Set(entries.map((e) => e.provider))).toEqual(new Set(['claude', 'codex', 'gemini', 'copilot']));

    // tmp is outside any git repository: zag's folder for that is <home>/.zag/logs.
    const plain = await runCli(['import', '--home', home, '--json'], { home, cwd: tmp });
    expect(plain.code).toBe(0);
    expect((JSON.parse(plain.stdout) as ImportSummary).logs_dir).toBe(join(home, '.zag', 'logs'));
    expect((await index(join(home, '.zag', 'logs'))).length).toBeGreaterThan(entries.length);
  });

  const hasScript = ((): boolean => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasScript)('draws a progress bar on a terminal (run under a pseudo-terminal with script(1))', async () => {
    const logsTty = join(tmp, 'logs-tty');
    const cmd = [process.execPath, BIN, 'import', '--home', home, '--logs-dir', logsTty].map((a) => `'${a}'`).join(' ');
    const output = execFileSync('script', ['-qec', cmd, '/dev/null'], { env: cliEnv({ home }), encoding: 'utf8' });
    expect(output).toMatch(/(scanning|importing|done)\s*\[[█░]+\] \d+% \| \d+\/\d+ files \| \d+ sessions/);
    expect(output).toMatch(/Imported \d+ sessions/);
    expect((await index(logsTty)).length).toBeGreaterThan(0);
  });
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIndex, SessionLogWriter, upsertGlobalEntry } from '../../src/index.js';
import { buildFakeHome } from '../backfill/helpers/fake-home.js';
import { DIST, ensureDist } from '../helpers/dist.js';
import { tempDir } from '../helpers/tmp.js';
import { runCli } from './helpers/run.js';

interface Row {
  session_id: string;
  provider: string;
  project: string | null;
  state: string;
  started_at: string;
  title: string | null;
  events: number | null;
  tokens: { input: number; output: number; cache_read: number; cache_creation: number; total: number } | null;
  duration_ms: number | null;
}

let home: string;
let logs: string;
let at: string[];

beforeAll(async () => {
  await ensureDist();
  // Not tempDir(): that one is removed after each test, and these files serve the whole file.
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-cli-list2-'));
  await buildFakeHome(home);
  // Imported into a project's logs folder with a global index entry each: the fixtures' import is the data.
  logs = path.join(home, '.zag', 'projects', 'demo', 'logs');
  at = ['--home', home, '--logs-dir', logs];
  const r = await runCli(['import', ...at, '--json'], { home });
  expect(r.code).toBe(0);
  // The same sessions in the global index, as a live writer would have put them there.
  for (const e of (await loadIndex(logs)).sessions) {
    await upsertGlobalEntry(path.join(home, '.zag'), {
      session_id: e.wrapper_session_id,
      project: 'demo',
      log_path: e.log_path,
      provider: e.provider,
      started_at: e.started_at,
    });
  }
}, 300_000);

afterAll(() => {
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

const rowsOf = (stdout: string): Row[] => (JSON.parse(stdout) as { sessions: Row[] }).sessions;

describe('list', () => {
  it('lists newest first with title, events, tokens and duration, as a table and as JSON', async () => {
    const json = await runCli(['list', ...at, '--json'], { home });
    expect(json.code).toBe(0);
    const rows = rowsOf(json.stdout);
    expect(rows.length).toBeGreaterThan(3);
    const starts = rows.map((r) => Date.parse(r.started_at));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const listFiles = rows.find((r) => r.title?.startsWith('List the files'));
    expect(listFiles).toBeDefined();
    expect(listFiles!.events).toBeGreaterThan(5);
    expect(listFiles!.tokens!.total).toBe(
      listFiles!.tokens!.input + listFiles!.tokens!.output + listFiles!.tokens!.cache_read + listFiles!.tokens!.cache_creation,
    );
    expect(listFiles!.tokens!.output).toBeGreaterThan(0);
    expect(listFiles!.duration_ms).toBeGreaterThan(0);
    expect(rows.every((r) => r.state === 'ended')).toBe(true);

    const table = await runCli(['list', ...at], { home });
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+PROVIDER\s+STARTED\s+STATE\s+EVENTS\s+TOKENS\s+DURATION\s+TITLE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(rows.map((r) => r.session_id));
    expect(table.stdout).toContain('List the files');

    const reversed = rowsOf((await runCli(['list', ...at, '--json', '--reverse'], { home })).stdout);
    expect(reversed.map((r) => r.session_id)).toEqual(rows.map((r) => r.session_id).reverse());
    const help = await runCli(['list', '--help'], { home });
    expect(help.stdout).toContain('newest first');
  });

  it('filters by --since, --until (ISO or relative) and --limit', async () => {
    const rows = rowsOf((await runCli(['list', ...at, '--json'], { home })).stdout);
    const middle = rows[Math.floor(rows.length / 2)]!;
    const since = rowsOf((await runCli(['list', ...at, '--json', '--since', middle.started_at], { home })).stdout);
    expect(since.map((r) => r.session_id)).toEqual(rows.filter((r) => Date.parse(r.started_at) >= Date.parse(middle.started_at)).map((r) => r.session_id));
    const until = rowsOf((await runCli(['list', ...at, '--json', '--until', middle.started_at], { home })).stdout);
    expect(until.map((r) => r.session_id)).toEqual(rows.filter((r) => Date.parse(r.started_at) < Date.parse(middle.started_at)).map((r) => r.session_id));
    // The fixtures are older than a day: nothing started in the last 1h, all of them more than 1d ago.
    expect(rowsOf((await runCli(['list', ...at, '--json', '--since', '1h'], { home })).stdout)).toEqual([]);
    expect(rowsOf((await runCli(['list', ...at, '--json', '--until', '1d'], { home })).stdout)).toHaveLength(rows.length);
    const two = rowsOf((await runCli(['list', ...at, '--json', '--limit', '2'], { home })).stdout);
    expect(two.map((r) => r.session_id)).toEqual(rows.slice(0, 2).map((r) => r.session_id));
    const bad = await runCli(['list', ...at, '--since', 'yesterday'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'yesterday' is not a time");
    expect((await runCli(['list', ...at, '--limit', '0'], { home })).code).toBe(2);
    const provider = await runCli(['list', ...at, '--provider', 'clade'], { home });
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain("did you mean 'claude'?");
  });

  it('prints one JSON shape for one project and for all projects', async () => {
    const one = rowsOf((await runCli(['list', ...at, '--json'], { home })).stdout);
    const all = rowsOf((await runCli(['list', ...at, '--all', '--json'], { home })).stdout);
    expect(all.length).toBeGreaterThan(0);
    const keys = (r: object): string[] => Object.keys(r);
    for (const r of all) expect(keys(r)).toEqual(keys(one[0]!));
    const first = one[0]!;
    const same = all.find((r) => r.session_id === first.session_id)!;
    expect(same).toMatchObject({ title: first.title, events: first.events, tokens: first.tokens, duration_ms: first.duration_ms, project: 'demo' });
  });
});

describe('list state', () => {
  it('shows a session whose writer was killed (kill -9) as stale, a live one as open', async () => {
    const h = tempDir();
    const dir = path.join(h, 'logs');
    const script = `
      const { SessionLogWriter } = await import(${JSON.stringify(path.join(DIST, 'index.js'))});
      const w = await SessionLogWriter.create(${JSON.stringify(dir)}, { provider: 'claude', wrapperSessionId: 'ses-killed', command: 'run' });
      w.emit('wrapper', { type: 'session_started', command: 'run', resumed: false, backfilled: false });
      w.emit('wrapper', { type: 'user_message', role: 'user', content: 'a task that never ends' });
      w.emit('wrapper', { type: 'heartbeat', interval_secs: 1 });
      console.log('ready');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const killedLog = path.join(dir, 'sessions', 'ses-killed.jsonl');
    // While its writer lives, the session is open, whatever the age of its events.
    const whileAlive = rowsOf((await runCli(['list', '--logs-dir', dir, '--json'], { home: h })).stdout);
    expect(whileAlive.find((r) => r.session_id === 'ses-killed')?.state).toBe('open');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(fs.existsSync(`${killedLog}.owner`)).toBe(true);
    // Three missed heartbeats (of 1 s) after the last line was written.
    const last = fs.statSync(killedLog).mtimeMs;
    while (Date.now() < last + 3_500) await new Promise((r) => setTimeout(r, 100));

    const live = await SessionLogWriter.create(dir, { provider: 'codex', wrapperSessionId: 'ses-live', command: 'run' });
    live.emit('wrapper', { type: 'session_started', command: 'run', resumed: false, backfilled: false });
    const rows = rowsOf((await runCli(['list', '--logs-dir', dir, '--json'], { home: h })).stdout);
    expect(Object.fromEntries(rows.map((r) => [r.session_id, r.state]))).toEqual({ 'ses-killed': 'stale', 'ses-live': 'open' });
    const table = await runCli(['list', '--logs-dir', dir], { home: h });
    expect(table.stdout).toMatch(/ses-killed\s+claude\s+\S+ \S+\s+stale\s/);
    await live.finish(true);
    await live.close();
    const after = rowsOf((await runCli(['list', '--logs-dir', dir, '--json'], { home: h })).stdout);
    expect(after.find((r) => r.session_id === 'ses-live')?.state).toBe('ended');
  });
});

describe('list with a huge index', () => {
  it('streams 150,000 entries of a project index and of the global index without running out of stack', async () => {
    const h = tempDir();
    const dir = path.join(h, 'logs');
    const base = path.join(h, '.zag');
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(base, { recursive: true });
    const N = 150_000;
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const project: string[] = [];
    const global: string[] = [];
    for (let i = 0; i < N; i++) {
      const id = `s${String(i).padStart(6, '0')}`;
      const ts = new Date(t0 + i * 1000).toISOString();
      const log = path.join(dir, 'sessions', `${id}.jsonl`);
      project.push(
        JSON.stringify({ wrapper_session_id: id, provider: 'claude', provider_session_id: null, log_path: log, completeness: 'full', started_at: ts, ended_at: ts, workspace_path: null, command: null, source_paths: [], backfilled: true }),
      );
      global.push(JSON.stringify({ session_id: id, project: 'p', log_path: log, provider: 'claude', started_at: ts }));
    }
    fs.writeFileSync(path.join(dir, 'index.json'), `{"sessions":[${project.join(',')}]}`);
    fs.writeFileSync(path.join(base, 'sessions_index.json'), `{"sessions":[${global.join(',')}]}`);

    const table = await runCli(['list', '--logs-dir', dir, '--home', h], { home: h });
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(N + 1);
    expect(lines[1]).toMatch(/^s149999\s/);
    const all = await runCli(['list', '--all', '--json', '--home', h], { home: h });
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const rows = rowsOf(all.stdout);
    expect(rows).toHaveLength(N);
    expect(rows[0]!.session_id).toBe('s149999');
  }, 300_000);
});

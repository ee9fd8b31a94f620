import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionLogWriter } from '../../src/index.js';
import { mirrorToStore, openPostgresStore } from '../../src/postgres/index.js';
import { collect as collectChild, runCli, startCli } from '../cli/helpers/run.js';
import { ensureDist } from '../helpers/dist.js';
import { tempDir } from '../helpers/tmp.js';
import { importFixtureHistory, type ImportedHistory } from '../sessions/helpers.js';
import { freshDatabase } from './helpers/db.js';
import { emitMany, waitFor } from './helpers/sessions.js';

let url: string;
let history: ImportedHistory;
let folder: string[];
let opts: { home: string; env: Record<string, string> };

beforeAll(async () => {
  await ensureDist();
  url = await freshDatabase();
  history = await importFixtureHistory({ codex: true });
  folder = ['--logs-dir', history.logs, '--home', history.home];
  // No store in the environment unless a test puts one there; a fixed machine name.
  opts = { home: history.home, env: { ASL_STORE_URL: '', ASL_MACHINE: 'laptop' } };
  const sync = await runCli(['sync', '--to', url, '--json', ...folder], opts);
  expect(sync.stderr).toBe('');
  expect(sync.code).toBe(0);
}, 300_000);
afterAll(async () => {
  await history?.cleanup();
});

async function both(args: string[]): Promise<{ local: string; store: string }> {
  const local = await runCli([...args, ...folder], opts);
  const store = await runCli([...args, '--store', url, '--home', history.home], opts);
  expect(local.stderr).toBe('');
  expect(store.stderr).toBe('');
  expect(local.code).toBe(0);
  expect(store.code).toBe(0);
  return { local: local.stdout, store: store.stdout };
}

const jsonLines = (text: string): Array<Record<string, unknown>> => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('reading commands with --store give what they give on the folder that was synced', () => {
  it('list: the same sessions, titles, events, tokens and times; each row names its machine', async () => {
    const { local, store } = await both(['list', '--json']);
    const rows = (text: string) => (JSON.parse(text) as { sessions: Array<Record<string, unknown>> }).sessions;
    const pick = ({ session_id, provider, provider_session_id, started_at, ended_at, events, tokens, title, origin, completeness, duration_ms }: Record<string, unknown>) => ({
      session_id, provider, provider_session_id, started_at, ended_at, events, tokens, title, origin, completeness, duration_ms,
    });
    const fromStore = rows(store);
    expect(fromStore.map(pick)).toEqual(rows(local).map(pick));
    expect(fromStore.length).toBeGreaterThan(3);
    expect(fromStore.every((r) => r.machine === 'laptop' && r.project === 'fixture-project' && r.state === 'ended')).toBe(true);
    const table = await runCli(['list', '--store', url], opts);
    expect(table.stdout).toContain('laptop:fixture-project');
  });

  it('show, summary, search and usage print the same events and totals', async () => {
    const id = (JSON.parse((await runCli(['list', '--json', ...folder], opts)).stdout) as { sessions: Array<{ session_id: string }> }).sessions[0]!.session_id;
    const show = await both(['show', id.slice(0, 8), '--json']);
    // jsonb keeps no key order inside nested objects (a tool result's data): compare the values.
    expect(jsonLines(show.store)).toEqual(jsonLines(show.local));
    expect(show.local.split('\n').length).toBeGreaterThan(3);
    const text = await both(['show', id.slice(0, 8)]);
    expect(text.store.split('\n').slice(1)).toEqual(text.local.split('\n').slice(1));
    expect(text.store.split('\n')[0]).toContain('machine laptop');

    const summary = await both(['summary', id, '--json']);
    const { machine, log_path: _a, ...fromStore } = JSON.parse(summary.store) as Record<string, unknown>;
    const { log_path: _b, ...local } = JSON.parse(summary.local) as Record<string, unknown>;
    expect(fromStore).toEqual(local);
    expect(machine).toBe('laptop');

    const search = await both(['search', 'ls', '--tool-kind', 'shell', '--json']);
    const hits = (t: string) => jsonLines(t).map((m) => [(m.session as { wrapper_session_id: string }).wrapper_session_id, m.event]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(hits(search.store)).toEqual(hits(search.local));
    expect(hits(search.local).length).toBeGreaterThan(1);
    const count = await both(['search', '', '--type', 'user_message', '--count']);
    expect(count.store).toBe(count.local);

    for (const by of ['day', 'model']) {
      const usage = await both(['usage', '--by', by, '--timezone', 'UTC', '--json']);
      expect(JSON.parse(usage.store), by).toEqual(JSON.parse(usage.local));
    }
  });

  it('reads the store named by ASL_STORE_URL without --store, and --logs-dir still means the folder', async () => {
    const env = { ...opts, env: { ...opts.env, ASL_STORE_URL: url } };
    const fromEnv = await runCli(['list', '--json', '--home', history.home], env);
    expect(fromEnv.code).toBe(0);
    expect((JSON.parse(fromEnv.stdout) as { sessions: Array<{ machine?: string }> }).sessions[0]!.machine).toBe('laptop');
    const folderWins = await runCli(['list', '--json', ...folder], env);
    expect((JSON.parse(folderWins.stdout) as { sessions: Array<{ machine?: string }> }).sessions[0]!.machine).toBeUndefined();
  });

  it('picks this machine\'s session when several machines have the id, else names them; never prints the password', async () => {
    const again = await runCli(['sync', '--to', url, '--machine', 'desk', ...folder], opts);
    expect(again.code).toBe(0);
    const id = (JSON.parse((await runCli(['list', '--json', ...folder], opts)).stdout) as { sessions: Array<{ session_id: string }> }).sessions[0]!.session_id;
    const mine = await runCli(['summary', id, '--json', '--store', url, '--machine', 'desk'], opts);
    expect(mine.code).toBe(0);
    expect(JSON.parse(mine.stdout)).toMatchObject({ machine: 'desk', session_id: id });
    const viaEnv = await runCli(['summary', id, '--json', '--store', url], opts);
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ machine: 'laptop' });
    const ambiguous = await runCli(['show', id, '--store', url], { ...opts, env: { ...opts.env, ASL_MACHINE: 'elsewhere' } });
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(`desk/${id}`);
    expect(ambiguous.stderr).toContain(`laptop/${id}`);

    const password = decodeURIComponent(new URL(url).password);
    const wrong = new URL(url);
    wrong.password = 'not-the-Password-42';
    for (const cmd of [['list'], ['usage'], ['show', id]]) {
      const bad = await runCli([...cmd, '--store', wrong.href], opts);
      expect(bad.code, cmd.join(' ')).toBe(1);
      expect(bad.stderr).not.toContain('not-the-Password-42');
      expect(bad.stderr).not.toContain(password);
      expect(bad.stderr).toContain('***');
    }
  });
});

describe('subscribe --store', () => {
  it('prints the events another machine mirrors, live, with machine/session', async () => {
    const child = startCli(['subscribe', '--store', url, '--json', '--type', 'user_message'], opts);
    const result = collectChild(child);
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => stderr.includes('Subscribed'), 'the subscription to start');
    expect(stderr).not.toContain(decodeURIComponent(new URL(url).password));
    await using store = await openPostgresStore({ connectionString: url, machine: 'ci-runner' });
    const w = await SessionLogWriter.create(tempDir(), { provider: 'claude', wrapperSessionId: 'live-cli', command: 'run' });
    const mirror = mirrorToStore(w, store);
    emitMany(w, 0, 24); // every 6th is a user_message
    await mirror.flush();
    await waitFor(() => stdout.trim().split('\n').filter(Boolean).length >= 4, 'four user messages');
    child.kill('SIGINT');
    await result;
    await w.close();
    await mirror.close();
    const events = jsonLines(stdout);
    expect(events.map((e) => [e.wrapper_session_id, e.type, e.seq])).toEqual([1, 7, 13, 19].map((seq) => ['live-cli', 'user_message', seq]));
  });
});

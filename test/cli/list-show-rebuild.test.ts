import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertGlobalEntry } from '../../src/index.js';
import { ensureDist } from '../helpers/dist.js';
import { runCli } from './helpers/run.js';

const ZAG_FIXTURE = fileURLToPath(new URL('../read/fixtures/zag-written.jsonl', import.meta.url));

let tmp: string;
let home: string;
let logs: string;
let at: string[];

const codexLine = (seq: number, type: string, fields: string): string =>
  `{"seq":${seq},"ts":"2026-11-29T08:00:0${seq}Z","provider":"codex","wrapper_session_id":"zz-codex-1",` +
  `"provider_session_id":"019e-thread","source_kind":"backfill","completeness":"partial","type":"${type}",${fields}}`;

beforeAll(async () => {
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-cli-list-'));
  home = join(tmp, 'home');
  logs = join(tmp, 'logs');
  at = ['--logs-dir', logs, '--home', home];
  await mkdir(join(logs, 'sessions'), { recursive: true });
  await copyFile(ZAG_FIXTURE, join(logs, 'sessions', 'zag-ses-1.jsonl'));
  await writeFile(
    join(logs, 'sessions', 'zz-codex-1.jsonl'),
    [
      codexLine(1, 'session_started', '"command":"backfill","model":"gpt-5.5","cwd":"/w","resumed":false,"backfilled":true'),
      codexLine(2, 'user_message', '"role":"user","content":"hi","message_id":null'),
      codexLine(3, 'tool_call', '"tool_name":"exec_command","tool_kind":"shell","tool_id":"c1","input":{"cmd":["ls"]}'),
      'this line is damaged',
      codexLine(5, 'session_ended', '"success":true,"error":null'),
    ].join('\n') + '\n',
  );
  await upsertGlobalEntry(join(home, '.zag'), {
    session_id: 'other-project-session',
    project: 'home-user-elsewhere',
    log_path: '/nowhere/other-project-session.jsonl',
    provider: 'gemini',
    started_at: '2026-11-27T10:00:00+00:00',
  });
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('rebuild-index', () => {
  it('indexes the logs folder and reports the count (--json parsed)', async () => {
    const r = await runCli(['rebuild-index', ...at, '--json'], { home });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ index_path: join(logs, 'index.json'), sessions: 2 });
    const index = JSON.parse(await readFile(join(logs, 'index.json'), 'utf8')) as { sessions: { wrapper_session_id: string }[] };
    expect(index.sessions.map((s) => s.wrapper_session_id).sort()).toEqual(['zag-ses-1', 'zz-codex-1']);
    const human = await runCli(['rebuild-index', ...at], { home });
    expect(human).toMatchObject({ code: 0, stdout: `Rebuilt ${join(logs, 'index.json')}: 2 sessions.\n` });
  });
});

describe('list', () => {
  it('prints a table of the project index, and the entries as JSON with --json', async () => {
    const table = await runCli(['list', ...at], { home });
    expect(table.code).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+PROVIDER\s+STARTED\s+STATE\s+EVENTS\s+TOKENS\s+DURATION\s+TITLE$/);
    expect(rows).toHaveLength(3);
    expect(rows.some((r) => /^zag-ses-1\s+claude\s+.*\bended\b/.test(r))).toBe(true);

    const json = await runCli(['list', ...at, '--json'], { home });
    const parsed = JSON.parse(json.stdout) as { sessions: { session_id: string; provider: string }[] };
    expect(parsed.sessions.map((s) => s.provider).sort()).toEqual(['claude', 'codex']);
  });

  it('filters by --provider, and lists every project from the global index with --all', async () => {
    const codex = JSON.parse((await runCli(['list', ...at, '--provider', 'codex', '--json'], { home })).stdout) as {
      sessions: { session_id: string }[];
    };
    expect(codex.sessions.map((s) => s.session_id)).toEqual(['zz-codex-1']);
    const all = await runCli(['list', ...at, '--all', '--json'], { home });
    expect(all.code).toBe(0);
    expect((JSON.parse(all.stdout) as { sessions: { session_id: string }[] }).sessions.map((s) => s.session_id)).toEqual([
      'other-project-session',
    ]);
    const table = await runCli(['list', ...at, '--all'], { home });
    expect(table.stdout).toMatch(/other-project-session\s+gemini\s+2026-11-27 10:00:00\s+missing\s+-\s+-\s+-\s+home-user-elsewhere/);
  });

  it('says so when there is nothing to list', async () => {
    const r = await runCli(['list', '--logs-dir', join(tmp, 'empty'), '--home', home], { home });
    expect(r).toMatchObject({ code: 0, stdout: `No sessions in ${join(tmp, 'empty')}.\n` });
  });
});

describe('show', () => {
  it('prints one line per event: seq, time, type and a summary', async () => {
    const r = await runCli(['show', 'zag-ses-1', ...at], { home });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Session zag-ses-1 (claude, started 2026-11-28 19:00:00, /home/user/demo)');
    expect(lines).toHaveLength(13);
    expect(lines[4]).toMatch(/^\s+4 19:00:01 tool_call\s+Bash: ls -la$/);
    expect(lines[5]).toMatch(/^\s+5 19:00:02 tool_result\s+✓ Bash: README\.md ⏎ hello\.py$/);
    expect(lines[7]).toMatch(/^\s+7 19:00:04 usage\s+1200 in \/ 85 out, 1000 cache read, \$0\.0123$/);
    expect(lines[9]).toMatch(/^\s+0 19:00:05 user_event\s+\[info\] note from another process$/);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('--json prints the log lines themselves; --type filters (repeatable, comma-separated)', async () => {
    const r = await runCli(['show', 'zag', ...at, '--json', '--type', 'tool_call,usage', '--type', 'session_ended'], { home });
    expect(r.code).toBe(0);
    const source = (await readFile(ZAG_FIXTURE, 'utf8')).trimEnd().split('\n');
    const expected = source.filter((l) => /"type":"(tool_call|usage|session_ended)"/.test(l));
    expect(r.stdout.trimEnd().split('\n')).toEqual(expected);
  });

  it('finds a session by the provider’s id prefix, warns about a damaged line and shows the rest', async () => {
    const r = await runCli(['show', '019e', ...at], { home });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(r.stderr).toMatch(/^warning: skipped .*zz-codex-1\.jsonl:4: corrupt session log line/);
  });

  it('fails with one line and exit 1 for an unknown or ambiguous id', async () => {
    const missing = await runCli(['show', 'nope', ...at], { home });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`agent-session-log: no session matches 'nope' in ${logs} [ERR_NOT_FOUND]\n`);
    const ambiguous = await runCli(['show', 'z', ...at], { home });
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/^agent-session-log: 'z' matches 2 sessions: .*\[ERR_AMBIGUOUS_ID\]\n$/);
  });

  it('colours only when asked (FORCE_COLOR) and never with NO_COLOR', async () => {
    const forced = await runCli(['show', 'zag-ses-1', ...at], { home, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[');
    const both = await runCli(['show', 'zag-ses-1', ...at], { home, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(both.stdout).not.toContain('\u001b[');
    expect(both.stdout).toBe((await runCli(['show', 'zag-ses-1', ...at], { home })).stdout);
  });
});

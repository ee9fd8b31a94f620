/**
 * `export` and `show`'s reading options, through the built CLI, on the
 * imported fixture session and on hand-written logs (a session over midnight,
 * a long message).
 */
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSession } from '../../src/index.js';
import { ensureDist } from '../helpers/dist.js';
import { handWrittenLog, importFixtureSession, SESSION_ID, type ImportedSession } from '../transcript/helpers/fixture-session.js';
import { runCli } from './helpers/run.js';

let tmp: string;
let s: ImportedSession;
let at: string[];
const LONG = `${'word '.repeat(60)}end of the first line\nsecond line of the message`;

beforeAll(async () => {
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-cli-export-'));
  s = await importFixtureSession(tmp);
  at = ['--logs-dir', s.logs, '--home', s.home];
  await writeFile(
    join(s.logs, 'sessions', 'night-1.jsonl'),
    handWrittenLog('night-1', [
      { ts: '2026-11-28T23:59:50.000Z', type: 'session_started', fields: { command: 'backfill', model: null, cwd: null, resumed: false, backfilled: true } },
      { ts: '2026-11-28T23:59:51.000Z', type: 'user_message', fields: { role: 'user', content: LONG, message_id: null } },
      { ts: '2026-11-29T00:00:10.000Z', type: 'session_ended', fields: { success: true, error: null } },
    ]),
  );
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('export', () => {
  it('--format html --output writes the library’s page to the file and says where', async () => {
    const file = join(tmp, 'pages', 'session.html');
    const r = await runCli(['export', SESSION_ID.slice(0, 8), '--format', 'html', '--output', file, ...at], { home: s.home });
    expect(r.code).toBe(0);
    const page = await readFile(file, 'utf8');
    expect(page).toBe(await exportSession(s.logPath, { format: 'html' }));
    expect(r.stdout).toBe(`Wrote ${file} (html, ${Buffer.byteLength(page)} bytes).\n`);
  });

  it('writes Markdown to stdout by default, and picks the format from the file name', async () => {
    const md = await exportSession(s.logPath, { format: 'markdown' });
    const r = await runCli(['export', SESSION_ID, ...at], { home: s.home });
    expect(r).toMatchObject({ code: 0, stdout: md, stderr: '' });
    const file = join(tmp, 'session.HTML');
    expect((await runCli(['export', SESSION_ID, '-o', file, ...at], { home: s.home })).code).toBe(0);
    expect(await readFile(file, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('an unknown --format is bad usage with a hint; an unknown session is a failure', async () => {
    const r = await runCli(['export', SESSION_ID, '--format', 'htm', ...at], { home: s.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "agent-session-log: unknown --format value 'htm'; did you mean 'html'? (see 'agent-session-log export --help')\n",
    );
    const missing = await runCli(['export', 'ghost', ...at], { home: s.home });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no session matches 'ghost'");
  });
});

describe('show', () => {
  it('prints times alone for a session within one day, dates and times for one that spans days', async () => {
    const oneDay = await runCli(['show', SESSION_ID, ...at], { home: s.home });
    expect(oneDay.code).toBe(0);
    expect(oneDay.stdout.split('\n')[1]).toMatch(/^ {4}1 \d\d:\d\d:\d\d session_started /);

    const night = await runCli(['show', 'night-1', ...at], { home: s.home });
    expect(night.code).toBe(0);
    const lines = night.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^ {4}1 2026-11-28 23:59:50 session_started /);
    expect(lines.at(-1)).toMatch(/^ {4}3 2026-11-29 00:00:10 session_ended {7}completed$/);
  });

  it('cuts texts to the width by default; --full prints the whole text, its lines indented', async () => {
    const cut = await runCli(['show', 'night-1', '--type', 'user_message', ...at], { home: s.home });
    const cutLine = cut.stdout.trimEnd().split('\n')[1]!;
    expect(cutLine.length).toBeLessThanOrEqual(120);
    expect(cutLine.endsWith('…')).toBe(true);

    const full = await runCli(['show', 'night-1', '--type', 'user_message', '--full', ...at], { home: s.home });
    expect(full.code).toBe(0);
    const [, first, second] = full.stdout.trimEnd().split('\n');
    expect(first).toBe(`    2 2026-11-28 23:59:51 user_message        ${LONG.split('\n')[0]}`);
    expect(second).toBe(`${' '.repeat(46)}second line of the message`);
  });
});

/**
 * The command line's conventions: shared options before the command, known
 * values for --type and --provider (with a hint), and colours that
 * FORCE_COLOR=0 and NO_COLOR turn off even on a terminal.
 */
import { PassThrough } from 'node:stream';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { ensureDist } from '../helpers/dist.js';
import { importFixtureSession, SESSION_ID, type ImportedSession } from '../transcript/helpers/fixture-session.js';
import { runCli } from './helpers/run.js';

let tmp: string;
let s: ImportedSession;

beforeAll(async () => {
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-cli-conventions-'));
  s = await importFixtureSession(tmp);
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('shared options before the command', () => {
  it('`--logs-dir X list` is `list --logs-dir X` (also with --opt=value)', async () => {
    const after = await runCli(['list', '--logs-dir', s.logs, '--home', s.home, '--json'], { home: s.home });
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).sessions).toHaveLength(1);
    const before = await runCli(['--logs-dir', s.logs, '--home', s.home, 'list', '--json'], { home: s.home });
    expect(before).toEqual(after);
    const eq = await runCli([`--logs-dir=${s.logs}`, `--home=${s.home}`, 'show', SESSION_ID.slice(0, 6), '--json'], { home: s.home });
    expect(eq.code).toBe(0);
    expect(eq.stdout.split('\n')[0]).toContain('"type":"session_started"');
  });

  it('an option after the command wins over the same one before it', async () => {
    const empty = join(tmp, 'empty-logs');
    await mkdir(join(empty, 'sessions'), { recursive: true });
    const r = await runCli(['--logs-dir', s.logs, 'list', '--logs-dir', empty, '--home', s.home], { home: s.home });
    expect(r).toMatchObject({ code: 0, stdout: `No sessions in ${empty}.\n` });
  });

  it('shared options and no command, or a typo of a command, are bad usage', async () => {
    const none = await runCli(['--logs-dir', s.logs], { home: s.home });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("agent-session-log: missing command (see 'agent-session-log --help')\n");
    const typo = await runCli(['--logs-dir', s.logs, 'lsit'], { home: s.home });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("agent-session-log: unknown command 'lsit'; did you mean 'list'? (see 'agent-session-log --help')\n");
  });
});

describe('unknown --type and --provider values', () => {
  const cases: [string, string[], string][] = [
    ['show --type', ['show', SESSION_ID, '--type', 'tool_cal'], "unknown --type value 'tool_cal'; did you mean 'tool_call'? (see 'agent-session-log show --help')"],
    ['show --type among good ones', ['show', SESSION_ID, '--type', 'tool_call,Usage'], "unknown --type value 'Usage'; did you mean 'usage'? (see 'agent-session-log show --help')"],
    ['listen --type', ['listen', SESSION_ID, '--type', 'assistant'], "unknown --type value 'assistant'; did you mean 'assistant_message'? (see 'agent-session-log listen --help')"],
    ['list --provider', ['list', '--provider', 'claud'], "unknown --provider value 'claud'; did you mean 'claude'? (see 'agent-session-log list --help')"],
    ['list --provider far off', ['list', '--provider', 'zzz'], "unknown --provider value 'zzz' (known: claude, codex, gemini, copilot) (see 'agent-session-log list --help')"],
  ];
  it.each(cases)('%s: exit 2 with a hint, nothing on stdout', async (_name, args, message) => {
    const r = await runCli([...args, '--logs-dir', s.logs, '--home', s.home], { home: s.home });
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: `agent-session-log: ${message}\n` });
  });

  it('known values still filter', async () => {
    const r = await runCli(['show', SESSION_ID, '--type', 'tool_call', '--json', '--logs-dir', s.logs, '--home', s.home], { home: s.home });
    expect(r.code).toBe(0);
    const types = r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(['tool_call', 'tool_call', 'tool_call', 'tool_call']);
  });
});

/** Runs `main` in-process with a stdout that claims to be a terminal. */
async function onTerminal(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  const io: CliIO = { stdout, stderr, env: { TZ: 'UTC', ...env }, cwd: tmp, signal: new AbortController().signal };
  const code = await main(args, io);
  return { code, stdout: text };
}

describe('colours', () => {
  it('are on for a terminal, off with FORCE_COLOR=0 or NO_COLOR', async () => {
    const args = ['show', SESSION_ID, '--logs-dir', s.logs, '--home', s.home];
    const ESC = '\u001b[';
    const plain = await onTerminal(args, {});
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(ESC);
    const offs: Record<string, string>[] = [{ FORCE_COLOR: '0' }, { FORCE_COLOR: 'false' }, { NO_COLOR: '1' }, { NO_COLOR: '1', FORCE_COLOR: '1' }];
    for (const env of offs) {
      const off = await onTerminal(args, env);
      expect(off.code).toBe(0);
      expect(off.stdout).not.toContain(ESC);
      expect(off.stdout.split('\n')).toHaveLength(plain.stdout.split('\n').length);
    }
  });

  it('FORCE_COLOR=1 turns them on for a pipe', async () => {
    const r = await runCli(['show', SESSION_ID, '--logs-dir', s.logs, '--home', s.home], { home: s.home, env: { FORCE_COLOR: '1' } });
    expect(r.stdout).toContain('\u001b[');
  });
});


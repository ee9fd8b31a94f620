import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist, ROOT } from '../helpers/dist.js';
import { runCli } from './helpers/run.js';

const COMMANDS = ['import', 'list', 'show', 'listen', 'rebuild-index', 'export', 'subscribe', 'watch', 'log', 'migrate', 'sync'];
let home: string;

beforeAll(async () => {
  await ensureDist();
  home = await mkdtemp(join(tmpdir(), 'asl-cli-help-'));
}, 300_000);
afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe('agent-session-log --help', () => {
  it('prints the command list (snapshot) and exits 0', async () => {
    const r = await runCli(['--help'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatchSnapshot();
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c} `);
  });

  it.each(COMMANDS)('%s --help prints its usage and every shared option (snapshot), exit 0', async (command) => {
    const r = await runCli([command, '--help'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchSnapshot();
    expect(r.stdout.startsWith(`Usage: agent-session-log ${command}`)).toBe(true);
    for (const o of ['--logs-dir <dir>', '--root <dir>', '--home <dir>', '-h, --help']) expect(r.stdout).toContain(o);
    // -h and `help <command>` give the same text.
    expect((await runCli([command, '-h'], { home })).stdout).toBe(r.stdout);
    expect((await runCli(['help', command], { home })).stdout).toBe(r.stdout);
  });

  it('--version prints the package version, also after a command', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'], { home })).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(await runCli(['list', '--version'], { home })).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});

describe('bad usage exits 2 with one line on stderr', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /Usage: agent-session-log/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['an unknown option', ['list', '--bogus'], /unknown option '--bogus'/],
    ['a missing argument', ['show'], /missing argument <id\|prefix>/],
    ['an extra argument', ['list', 'extra'], /unexpected argument 'extra'/],
    ['an option without its value', ['show', 'x', '--type'], /option --type needs a value/],
    ['a flag given a value', ['list', '--json=yes'], /--json/],
    ['a non-numeric --from-seq', ['listen', 'x', '--from-seq', 'ten'], /--from-seq needs a whole number/],
    ['an unknown provider', ['import', '--provider', 'clippy', '--logs-dir', '/nonexistent/never'], /unknown --provider value 'clippy' \(known: claude, codex, gemini, copilot\)/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await runCli(args, { home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    if (args.length > 0) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

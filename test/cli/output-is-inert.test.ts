import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionLogWriter } from '../../src/index.js';
import { ensureDist } from '../helpers/dist.js';
import { runCli } from './helpers/run.js';

let tmp: string;
let logs: string;
// Clear screen, set the window title, write the clipboard (OSC 52), ring the bell.
const HOSTILE = 'before\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZWNobyBoaQ==\u0007after';

beforeAll(async () => {
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-cli-inert-'));
  logs = join(tmp, 'logs');
  await mkdir(logs, { recursive: true });
  const w = await SessionLogWriter.create(logs, {
    provider: 'claude',
    wrapperSessionId: 'inert-1',
    command: 'run',
    workspacePath: `/w/${HOSTILE}`,
  });
  // The first prompt is the TITLE column of `list`: provider text too.
  w.emit('provider_file', { type: 'user_message', role: 'user', content: `fix ${HOSTILE}` });
  w.emit('provider_file', { type: 'tool_result', tool_id: 't1', tool_name: 'Bash', success: true, output: HOSTILE });
  await w.finish(true);
  await w.close();
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('terminal output is inert', () => {
  it('show and list print escape sequences from a tool result and the first prompt visibly, never raw; --json is untouched', async () => {
    for (const args of [['show', 'inert-1'], ['list']]) {
      const r = await runCli([...args, '--logs-dir', logs, '--home', tmp], { home: tmp });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('\u001b');
      expect(r.stdout).not.toContain('\u0007');
      expect(r.stdout).toContain('\\x1b[2J');
    }
    // list: ID PROVIDER STARTED STATE EVENTS TOKENS DURATION TITLE, the title being the first prompt.
    const list = await runCli(['list', '--logs-dir', logs, '--home', tmp], { home: tmp });
    const [header, row] = list.stdout.trimEnd().split('\n');
    expect(header!.split(/\s+/)).toEqual(['ID', 'PROVIDER', 'STARTED', 'STATE', 'EVENTS', 'TOKENS', 'DURATION', 'TITLE']);
    expect(row).toMatch(/^inert-1\s+claude\s.*\sfix before\\x1b\[2J\\x1b\]0;pwned\\x07/);
    const json = await runCli(['show', 'inert-1', '--json', '--logs-dir', logs, '--home', tmp], { home: tmp });
    const outputs = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; output?: string })
      .filter((e) => e.type === 'tool_result');
    expect(outputs[0]!.output).toBe(HOSTILE);
  }, 60_000);
});

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSessionLog, type AgentLogEvent, type SessionLogIndexEntry } from '../../src/index.js';
import { ensureDist, ROOT } from '../helpers/dist.js';
import { cliEnv, collect, type CliResult } from './helpers/run.js';

let tmp: string;

beforeAll(async () => {
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-demo-'));
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** `npm run demo` as a user runs it; the build step is skipped because ensureDist just built dist/. */
function runDemo(out: string): Promise<CliResult> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['run', '--silent', 'demo', '--', '--no-build', '--out', out, '--ms-per-line', '30'], {
    cwd: ROOT,
    env: cliEnv({ home: join(tmp, 'user-home') }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child);
}

async function events(path: string): Promise<AgentLogEvent[]> {
  const out: AgentLogEvent[] = [];
  for await (const ev of readSessionLog(path)) out.push(ev);
  return out;
}

/** What a live recording and an import of the same session must agree on: kinds and contents, not seq/ts/source. */
function comparable(list: AgentLogEvent[]): string[] {
  return list
    .filter((e) => !['session_started', 'session_ended', 'heartbeat'].includes(e.type))
    .map((e) => {
      const { seq, ts, source_kind, completeness, wrapper_session_id, provider_session_id, ...rest } = e as unknown as Record<
        string,
        unknown
      >;
      void [seq, ts, source_kind, completeness, wrapper_session_id, provider_session_id];
      return JSON.stringify(rest);
    });
}

describe('npm run demo', () => {
  it('imports the sample history, records a live Claude session, and prints list and show', async () => {
    const out = join(tmp, 'demo-logs');
    const r = await runDemo(out);
    expect(r.stderr).not.toMatch(/demo failed/);
    expect(r.code).toBe(0);

    const index = (JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { sessions: SessionLogIndexEntry[] }).sessions;
    expect(new Set(index.map((e) => e.provider))).toEqual(new Set(['claude', 'codex', 'gemini', 'copilot']));
    const live = index.filter((e) => !e.backfilled);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ provider: 'claude', provider_session_id: 'e7bd502c-7d33-43d5-aafa-1348e82fa678' });
    expect(live[0]!.ended_at).not.toBeNull();

    // Every log it wrote is a valid session log.
    for (const e of index) {
      const list = await events(e.log_path);
      expect(list[0]!.type).toBe('session_started');
      expect(list.at(-1)!.type).toBe('session_ended');
    }

    // The live recording holds the same conversation as the import of the same Claude session.
    const liveEvents = await events(live[0]!.log_path);
    expect(liveEvents.every((e) => e.type !== 'parse_warning')).toBe(true);
    expect(liveEvents.filter((e) => e.type === 'tool_call').length).toBeGreaterThanOrEqual(3);
    const imported = index.find((e) => e.wrapper_session_id === 'e7bd502c-7d33-43d5-aafa-1348e82fa678')!;
    expect(comparable(liveEvents)).toEqual(comparable(await events(imported.log_path)));

    // What it printed: the live events as they came, then list and show.
    expect(r.stdout).toContain('Recording a live Claude Code session');
    expect(r.stdout).toMatch(/^\s+\d+ \d\d:\d\d:\d\d tool_call\s+Bash: ls src$/m);
    expect(r.stdout).toMatch(/^ID\s+PROVIDER\s+STARTED\s+STATE\s+EVENTS\s+TOKENS\s+DURATION\s+TITLE$/m);
    expect(r.stdout).toContain(`Session ${live[0]!.wrapper_session_id} (claude`);
  });

  it('refuses to wipe an --out folder that is not one of its own', async () => {
    const out = join(tmp, 'precious');
    await mkdir(out);
    await writeFile(join(out, 'thesis.txt'), 'do not delete');
    const r = await runDemo(out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds thesis\.txt: not a demo logs folder/);
    expect(await readFile(join(out, 'thesis.txt'), 'utf8')).toBe('do not delete');
  });
});

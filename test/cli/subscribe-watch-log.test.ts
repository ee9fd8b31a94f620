import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSessionLog, SessionLogWriter } from '../../src/index.js';
import { ensureDist } from '../helpers/dist.js';
import { tempDir } from '../helpers/tmp.js';
import { collect, runCli, startCli } from './helpers/run.js';

beforeAll(async () => {
  await ensureDist();
}, 300_000);

/** Resolves once the child's stderr holds `text` (the "ready" line), rejects if it exits first. */
function stderrLine(child: ChildProcess, text: string): Promise<void> {
  let seen = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before '${text}': ${seen}`)));
  });
}

/** Resolves with stdout once it has `n` lines. */
function stdoutLines(child: ChildProcess, n: number): Promise<string[]> {
  let text = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const lines = text.split('\n').filter(Boolean);
      if (lines.length >= n) resolve(lines);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} with: ${text}`)));
  });
}

async function liveSession(logs: string, id: string, provider = 'claude'): Promise<SessionLogWriter> {
  const w = await SessionLogWriter.create(logs, { provider, wrapperSessionId: id, command: 'run' });
  w.emit('wrapper', { type: 'session_started', command: 'run', resumed: false, backfilled: false });
  return w;
}

describe('subscribe', () => {
  it('prints, as JSON lines, the matching events of a session that starts after subscribing, and exits 130 on Ctrl-C (SIGINT), as every command does', async () => {
    const home = tempDir();
    const logs = path.join(home, 'logs');
    const child = startCli(['subscribe', '--json', '--type', 'tool_call', '--logs-dir', logs], { home });
    const done = collect(child);
    await stderrLine(child, 'Subscribed');
    const lines = stdoutLines(child, 1);
    const w = await liveSession(logs, 'ses-sub');
    w.emit('wrapper', { type: 'assistant_message', content: 'hello' });
    w.emit('wrapper', { type: 'tool_call', tool_name: 'Bash', tool_id: 't1', input: { command: 'rm -rf build' } });
    const [line] = await lines;
    const ev = JSON.parse(line!) as Record<string, unknown>;
    expect(ev).toMatchObject({ wrapper_session_id: 'ses-sub', type: 'tool_call', tool_name: 'Bash', seq: 3 });
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    await w.close();
  });

  it('rejects an unknown --type or --provider with exit 2 and a "did you mean" hint', async () => {
    const home = tempDir();
    const bad = await runCli(['subscribe', '--type', 'tool_cal', '--logs-dir', home], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown --type value 'tool_cal'; did you mean 'tool_call'?");
    const provider = await runCli(['watch', '--provider', 'claud', 'true', '--logs-dir', home], { home });
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain("did you mean 'claude'?");
  });
});

describe('watch', () => {
  it('runs the command with the event as JSON on stdin and its variables set, and --once exits after the first', async () => {
    const home = tempDir();
    const logs = path.join(home, 'logs');
    const out = path.join(home, 'seen.txt');
    const cmd = `cat > ${JSON.stringify(out)}; echo "$ASL_SESSION_ID $ASL_EVENT_TYPE $ASL_SEQ"`;
    const child = startCli(['watch', '--once', '--type', 'user_message', cmd, '--logs-dir', logs], { home });
    const done = collect(child);
    await stderrLine(child, 'Watching');
    const w = await liveSession(logs, 'ses-w');
    w.emit('wrapper', { type: 'user_message', role: 'user', content: 'first prompt' });
    w.emit('wrapper', { type: 'user_message', role: 'user', content: 'second prompt' });
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ses-w user_message 2\n');
    const ev = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(ev).toMatchObject({ type: 'user_message', content: 'first prompt', wrapper_session_id: 'ses-w' });
    await w.close();
  });

  it('exits 1 with --once when the command fails', async () => {
    const home = tempDir();
    const logs = path.join(home, 'logs');
    const child = startCli(['watch', '--once', 'exit 3', '--logs-dir', logs], { home });
    const done = collect(child);
    await stderrLine(child, 'Watching');
    const w = await liveSession(logs, 'ses-f');
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("'exit 3' exited with 3 for ses-f seq 1");
    await w.close();
  });
});

describe('log', () => {
  it('appends a user_event with level, message and data to a session a live writer owns, with the next seq', async () => {
    const home = tempDir();
    const logs = path.join(home, 'logs');
    const w = await liveSession(logs, 'ses-log');
    const r = await runCli(
      ['log', '--session', 'ses-l', '--level', 'warn', '--message', 'disk almost full', '--data', '{"free_gb":2}', '--logs-dir', logs],
      { home },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    w.emit('wrapper', { type: 'assistant_message', content: 'after' });
    await w.close();
    const events = [];
    for await (const ev of readSessionLog(w.logPath)) events.push(ev);
    expect(events.map((e) => `${e.seq}:${e.type}`)).toEqual(['1:session_started', '2:user_event', '3:assistant_message']);
    expect(events[1]).toMatchObject({ level: 'warn', message: 'disk almost full', data: { free_gb: 2 } });
    expect(JSON.parse(r.stdout)).toMatchObject({ seq: 2, type: 'user_event' });
  });

  it('takes the session from ZAG_SESSION_ID and defaults the level to info', async () => {
    const home = tempDir();
    const logs = path.join(home, 'logs');
    const w = await liveSession(logs, 'ses-env');
    await w.close();
    const r = await runCli(['log', '--message', 'from env', '--logs-dir', logs], { home, env: { ZAG_SESSION_ID: 'ses-env' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ wrapper_session_id: 'ses-env', level: 'info', message: 'from env' });
  });

  it('refuses a level zag does not know, data that is not JSON, and a missing message, writing nothing', async () => {
    const home = tempDir();
    const logs = path.join(home, 'logs');
    const w = await liveSession(logs, 'ses-bad');
    await w.close();
    const before = fs.readFileSync(w.logPath, 'utf8');
    const level = await runCli(['log', '--session', 'ses-bad', '--level', 'warning', '--message', 'x', '--logs-dir', logs], { home });
    expect(level.code).toBe(2);
    expect(level.stderr).toContain("did you mean 'warn'?");
    const data = await runCli(['log', '--session', 'ses-bad', '--message', 'x', '--data', '{oops', '--logs-dir', logs], { home });
    expect(data.code).toBe(2);
    expect(data.stderr).toContain('--data is not JSON');
    const message = await runCli(['log', '--session', 'ses-bad', '--logs-dir', logs], { home });
    expect(message.code).toBe(2);
    expect(fs.readFileSync(w.logPath, 'utf8')).toBe(before);
  });
});

describe('listen --latest / --active', () => {
  it('picks the session that started last, or the log written last', async () => {
    const home = tempDir();
    const logs = path.join(home, 'logs');
    const older = await liveSession(logs, 'ses-older');
    await new Promise((r) => setTimeout(r, 20));
    const newer = await liveSession(logs, 'ses-newer');
    await newer.setCompleteness('full');
    await newer.finish(true);
    await newer.close();
    // The older session is written to last.
    await new Promise((r) => setTimeout(r, 20));
    older.emit('wrapper', { type: 'assistant_message', content: 'still going' });
    await older.finish(true);
    await older.close();
    const latest = await runCli(['listen', '--latest', '--json', '--until-end', '--logs-dir', logs], { home });
    expect(latest.code).toBe(0);
    expect(new Set(latest.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { wrapper_session_id: string }).wrapper_session_id))).toEqual(
      new Set(['ses-newer']),
    );
    const active = await runCli(['listen', '--active', '--json', '--until-end', '--logs-dir', logs], { home });
    expect(active.code).toBe(0);
    expect(active.stdout).toContain('still going');
    const both = await runCli(['listen', 'ses-older', '--latest', '--logs-dir', logs], { home });
    expect(both.code).toBe(2);
  });
});

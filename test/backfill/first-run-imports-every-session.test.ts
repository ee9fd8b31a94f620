import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBackfill } from '../../src/index.js';
import { JsonlTestAdapter, messages, sessionFile } from './helpers/jsonl-adapter.js';
import { readIndex, readLog, readState, sessionFiles, tempDir } from './helpers/fs.js';

let dir: string;
let cleanup: () => Promise<void>;
let home: string;
let logs: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  home = join(dir, 'home');
  logs = join(dir, 'logs');
  await mkdir(join(home, 'alpha'), { recursive: true });
  await mkdir(join(home, 'beta'), { recursive: true });
});
afterEach(() => cleanup());

describe('runBackfill: first run', () => {
  it('imports every session of every adapter, each into a complete log', async () => {
    await writeFile(join(home, 'alpha', 'a1.jsonl'), sessionFile('a1', messages(5)));
    await writeFile(join(home, 'alpha', 'a2.jsonl'), sessionFile('a2', messages(3)));
    await writeFile(join(home, 'beta', 'b1.jsonl'), sessionFile('b1', messages(4)));
    const adapters = [new JsonlTestAdapter('alpha', join(home, 'alpha')), new JsonlTestAdapter('beta', join(home, 'beta'))];

    const result = await runBackfill(logs, null, adapters);

    expect(result).toEqual({ imported: 3, skipped: 0, failed: [], skippedFiles: [] });
    expect(await sessionFiles(logs)).toEqual(['a1.jsonl', 'a2.jsonl', 'b1.jsonl']);
    const a1 = await readLog(join(logs, 'sessions', 'a1.jsonl'));
    // session_started + 5 events + session_ended, numbered 1..n
    expect(a1.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(a1[0]).toMatchObject({
      type: 'session_started',
      source_kind: 'backfill',
      provider: 'alpha',
      wrapper_session_id: 'a1',
      provider_session_id: 'a1',
      completeness: 'full',
      command: 'backfill',
      model: 'm-1',
      cwd: '/work/demo',
      resumed: false,
      backfilled: true,
    });
    expect(a1.slice(1, 6).map((e) => e['content'])).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    expect(a1[6]).toMatchObject({ type: 'session_ended', success: true, error: null, source_kind: 'wrapper' });
  });

  it('writes the exact zag envelope and keeps the source kind the adapter gave', async () => {
    await writeFile(
      join(home, 'alpha', 's.jsonl'),
      sessionFile('s', [
        { source: 'provider_file', event: { type: 'tool_call', tool_name: 'Bash', tool_kind: 'shell', tool_id: 't1', input: { command: 'ls' } } },
        { type: 'usage', input_tokens: 3, output_tokens: 4, total_cost_usd: 1 },
      ]),
    );
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', join(home, 'alpha'))]);
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(join(logs, 'sessions', 's.jsonl'), 'utf8')).split('\n');
    expect(lines[1]).toMatch(
      /^\{"seq":2,"ts":"[^"]+Z","provider":"alpha","wrapper_session_id":"s","provider_session_id":"s","source_kind":"provider_file","completeness":"full","type":"tool_call","tool_name":"Bash","tool_kind":"shell","tool_id":"t1","input":\{"command":"ls"\}\}$/,
    );
    // serde writes an f64 cost with a fraction, and skips absent cache fields
    expect(lines[2]).toMatch(/"source_kind":"backfill",.*"type":"usage","input_tokens":3,"output_tokens":4,"total_cost_usd":1\.0\}$/);
    expect(lines[4]).toBe('');
  });

  it('adds backfilled index entries with ended_at and the source paths', async () => {
    await writeFile(join(home, 'alpha', 'a1.jsonl'), sessionFile('a1', messages(2)));
    await writeFile(join(home, 'alpha', 'a1.sub.jsonl'), messages(2, 'sub').map((e) => JSON.stringify(e)).join('\n') + '\n');
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', join(home, 'alpha'))]);

    const index = await readIndex(logs);
    expect(index).toHaveLength(1);
    const log = await readLog(join(logs, 'sessions', 'a1.jsonl'));
    expect(index[0]).toEqual({
      wrapper_session_id: 'a1',
      provider: 'alpha',
      provider_session_id: 'a1',
      log_path: join(logs, 'sessions', 'a1.jsonl'),
      completeness: 'full',
      started_at: log[0]!['ts'],
      ended_at: log.at(-1)!['ts'],
      workspace_path: '/work/demo',
      command: 'backfill',
      source_paths: [join(home, 'alpha', 'a1.jsonl'), join(home, 'alpha', 'a1.sub.jsonl')],
      backfilled: true,
    });
    // both files' events, in order: 2 main + 2 sub-agent events between start and end
    expect(log.map((e) => e['content'] ?? e.type)).toEqual(['session_started', 'm-0', 'm-1', 'sub-0', 'sub-1', 'session_ended']);
  });

  it('records zag fields plus a fingerprint of every source file in backfill_state.json', async () => {
    await writeFile(join(home, 'alpha', 'a1.jsonl'), sessionFile('a1', messages(2)));
    await writeFile(join(home, 'beta', 'b1.jsonl'), sessionFile('b1', messages(2)));
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', join(home, 'alpha')), new JsonlTestAdapter('beta', join(home, 'beta'))]);

    const state = await readState(logs);
    expect(state.version).toBe(1);
    expect(state.imported_session_keys.sort()).toEqual(['alpha:a1', 'beta:b1']);
    const { stat } = await import('node:fs/promises');
    const st = await stat(join(home, 'alpha', 'a1.jsonl'));
    expect(state.sources?.['alpha:a1']).toEqual({
      [join(home, 'alpha', 'a1.jsonl')]: { size: st.size, mtime_ms: st.mtimeMs, ino: st.ino },
    });
  });

  it('writes an empty-session log as session_started + session_ended', async () => {
    await writeFile(join(home, 'alpha', 'e.jsonl'), sessionFile('e', []));
    expect(await runBackfill(logs, undefined, [new JsonlTestAdapter('alpha', join(home, 'alpha'))])).toMatchObject({ imported: 1 });
    expect((await readLog(join(logs, 'sessions', 'e.jsonl'))).map((e) => [e.seq, e.type])).toEqual([
      [1, 'session_started'],
      [2, 'session_ended'],
    ]);
  });

  it('does not add a second session_started or session_ended when the adapter yields its own', async () => {
    await writeFile(
      join(home, 'alpha', 'own.jsonl'),
      sessionFile('own', [
        { type: 'session_started', command: 'exec', model: 'x', cwd: '/c', resumed: true, backfilled: true },
        { type: 'user_message', role: 'user', content: 'hi' },
        { type: 'session_ended', success: false, error: 'boom' },
      ]),
    );
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', join(home, 'alpha'))]);
    const log = await readLog(join(logs, 'sessions', 'own.jsonl'));
    expect(log.map((e) => e.type)).toEqual(['session_started', 'user_message', 'session_ended']);
    expect(log[0]).toMatchObject({ command: 'exec', resumed: true });
    expect(log[2]).toMatchObject({ success: false, error: 'boom' });
  });

  it('turns an invalid event from an adapter into a parse_warning instead of losing the session', async () => {
    await writeFile(join(home, 'alpha', 'bad.jsonl'), sessionFile('bad', [{ type: 'user_message', content: 42 }, ...messages(1)]));
    const result = await runBackfill(logs, null, [new JsonlTestAdapter('alpha', join(home, 'alpha'))]);
    expect(result.imported).toBe(1);
    const log = await readLog(join(logs, 'sessions', 'bad.jsonl'));
    expect(log.map((e) => e.type)).toEqual(['session_started', 'parse_warning', 'user_message', 'session_ended']);
    expect(String(log[1]!['message'])).toContain('invalid event from adapter');
  });

  it('streams a session larger than its write buffer, with huge and multi-byte lines, byte for byte', async () => {
    const events: unknown[] = [];
    for (let i = 0; i < 3000; i++) events.push({ type: 'assistant_message', content: `${i} ` + 'é✓𝄞 text '.repeat(20) });
    events.splice(1500, 0, { type: 'user_message', role: 'user', content: 'x'.repeat(1_000_000) });
    events.push({ type: 'user_message', role: 'user', content: '𝄞'.repeat(200_000) });
    await writeFile(join(home, 'alpha', 'big.jsonl'), sessionFile('big', events));
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', join(home, 'alpha'))])).toMatchObject({ imported: 1 });
    const log = await readLog(join(logs, 'sessions', 'big.jsonl'));
    expect(log).toHaveLength(events.length + 2);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.slice(1, -1).map((e) => e['content'])).toEqual(events.map((e) => (e as { content: string }).content));
  });
});

import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureHome } from '../../scripts/fixture-home.mjs';
import {
  SessionLogCoordinator,
  SessionLogWriter,
  defaultHistoricalAdapters,
  loadIndex,
  readSessionLog,
  rebuildIndex,
  runBackfill,
  type SessionLogIndexEntry,
} from '../../src/index.js';

let tmp: string;
let home: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'asl-rebuild-exact-'));
  home = path.join(tmp, 'home');
  await buildFixtureHome(home);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const byId = (entries: readonly SessionLogIndexEntry[]) =>
  new Map(entries.map((e) => [e.wrapper_session_id, e] as const));

/** The index as a file, then deleted, then rebuilt: every entry equal, field by field. */
async function expectExactRoundTrip(logs: string): Promise<Map<string, SessionLogIndexEntry>> {
  const indexPath = path.join(logs, 'index.json');
  const saved = (JSON.parse(fs.readFileSync(indexPath, 'utf8')) as { sessions: SessionLogIndexEntry[] }).sessions;
  fs.rmSync(indexPath);
  const rebuilt = await rebuildIndex(logs);
  const before = byId(saved);
  const after = byId(rebuilt.sessions);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [id, entry] of before) expect(after.get(id), id).toEqual(entry);
  // And what was written to disk is the same.
  expect(byId((await loadIndex(logs)).sessions)).toEqual(before);
  return before;
}

describe('rebuildIndex reproduces every field of every entry', () => {
  it('for the whole imported fixture history (claude, codex, gemini, copilot)', async () => {
    const logs = path.join(tmp, 'imported');
    const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect(result.failed).toEqual([]);
    const entries = await expectExactRoundTrip(logs);
    expect(entries.size).toBe(result.imported);
    expect(new Set([...entries.values()].map((e) => e.provider))).toEqual(new Set(['claude', 'codex', 'gemini', 'copilot']));
    // The fields a log cannot hold came back too, not just empty defaults.
    for (const e of entries.values()) {
      expect(e.source_paths.length, e.wrapper_session_id).toBeGreaterThan(0);
      expect(e.backfilled).toBe(true);
    }
  });

  it("for imported sessions, started_at/ended_at are the log's session_started/session_ended times", async () => {
    const logs = path.join(tmp, 'imported-times');
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }), { inWorker: false });
    for (const e of (await loadIndex(logs)).sessions) {
      const events = [];
      for await (const ev of readSessionLog(e.log_path)) events.push(ev);
      expect(events[0]!.type).toBe('session_started');
      expect(e.started_at).toBe(events[0]!.ts);
      const ended = events.findLast((ev) => ev.type === 'session_ended')!;
      expect(e.ended_at).toBe(ended.ts);
    }
  });

  it('when the index is corrupt, the automatic rebuild is just as exact', async () => {
    const logs = path.join(tmp, 'corrupt');
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    const indexPath = path.join(logs, 'index.json');
    const saved = byId((JSON.parse(fs.readFileSync(indexPath, 'utf8')) as { sessions: SessionLogIndexEntry[] }).sessions);
    fs.writeFileSync(indexPath, '{"sessions": [ {"truncated');
    expect(byId((await loadIndex(logs)).sessions)).toEqual(saved);
    expect(fs.readdirSync(logs).some((n) => n.startsWith('index.json.corrupt'))).toBe(true);
  });

  it('for live sessions: a writer lifecycle, a session closed without finish, and a coordinator session', async () => {
    const logs = path.join(tmp, 'live');
    const a = await SessionLogWriter.create(logs, {
      provider: 'codex',
      wrapperSessionId: 'live-a',
      command: 'exec',
      workspacePath: '/work/project',
    });
    a.emit('wrapper', { type: 'user_message', role: 'user', content: 'hi', message_id: null });
    await a.setProviderSessionId('thread-1');
    await a.addSourcePath('/home/u/.codex/sessions/one.jsonl');
    await a.addSourcePath('/home/u/.codex/sessions/two.jsonl');
    await a.setCompleteness('partial');
    await a.finish(false, 'boom');
    await a.close();

    // Never finished, nothing emitted after the updates: the log cannot say any of it.
    const b = await SessionLogWriter.create(logs, { provider: 'claude', wrapperSessionId: 'live-b', command: 'run' });
    b.emit('stdout', { type: 'assistant_message', content: 'x', message_id: null });
    await b.setProviderSessionId('claude-b');
    await b.setCompleteness('metadata_only');
    await b.addSourcePath('/src/b.jsonl');
    await b.close();

    // Created and closed with no event at all.
    const c = await SessionLogWriter.create(logs, { provider: 'gemini', wrapperSessionId: 'live-c', command: 'chat' });
    await c.close();

    const d = await SessionLogCoordinator.start(logs, {
      provider: 'copilot',
      wrapperSessionId: 'live-d',
      command: 'run',
      workspacePath: '/w/d',
      model: 'gpt',
    });
    await d.writer.addSourcePath('/src/d.json');
    await d.finish(true);

    const entries = await expectExactRoundTrip(logs);
    expect(entries.get('live-a')).toMatchObject({
      provider_session_id: 'thread-1',
      completeness: 'partial',
      workspace_path: '/work/project',
      command: 'exec',
      source_paths: ['/home/u/.codex/sessions/one.jsonl', '/home/u/.codex/sessions/two.jsonl'],
      backfilled: false,
    });
    expect(entries.get('live-b')).toMatchObject({ provider_session_id: 'claude-b', completeness: 'metadata_only', ended_at: null });
    expect(entries.size).toBe(4);
  });

  it('live and imported sessions in one folder, rebuilt after more imports and updates', async () => {
    const logs = path.join(tmp, 'mixed');
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    const w = await SessionLogWriter.create(logs, { provider: 'claude', wrapperSessionId: 'mixed-live', command: 'run' });
    await w.addSourcePath('/x.jsonl');
    await w.finish(true);
    await w.close();
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    await expectExactRoundTrip(logs);
  });
});

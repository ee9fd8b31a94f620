import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionLogCoordinator, isSessionLogError, type AgentLogEvent } from '../../src/index.js';
import { ScriptedAdapter } from './fakes.js';
import { metadata, ofType, readEvents, tempDir, waitFor } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe('SessionLogCoordinator lifecycle', () => {
  it('writes session_started first and exactly one session_ended last, with the adapter polled in between and finalize once', async () => {
    const adapter = new ScriptedAdapter([{ emit: ['a'] }, { emit: ['b'] }, {}], { finalize: { emit: ['last'] } });
    const c = await SessionLogCoordinator.start(dir, metadata('ses-order', { model: 'opus', workspacePath: '/w' }), {
      liveAdapter: adapter,
      pollIntervalMs: 5,
    });
    await waitFor(() => adapter.polls >= 3, 'three polls');
    c.writer.emit('wrapper', { type: 'user_message', role: 'user', content: 'hi' });
    await c.finish(true);

    const events = await readEvents(c.writer.logPath);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({
      seq: 1,
      type: 'session_started',
      source_kind: 'wrapper',
      command: 'run',
      model: 'opus',
      cwd: '/w',
      resumed: false,
      backfilled: false,
    });
    expect(events.at(-1)).toMatchObject({ type: 'session_ended', success: true, error: null });
    expect(ofType(events, 'session_ended')).toHaveLength(1);
    expect(ofType(events, 'session_started')).toHaveLength(1);
    const contents = ofType(events, 'assistant_message').map((e) => e.content);
    expect(contents).toEqual(['poll:a', 'poll:b', 'finalize:last']);
    // The wrapper's own emit lands between the adapter's events in seq order, through the same writer.
    const userSeq = ofType(events, 'user_message')[0]?.seq ?? 0;
    expect(userSeq).toBeGreaterThan(ofType(events, 'assistant_message')[1]?.seq ?? Infinity);
    expect(adapter.finalizeCalls).toBe(1);
    expect(adapter.maxConcurrent).toBe(1);
  });

  it('uses one last poll as finalize when the adapter has none', async () => {
    const adapter = new ScriptedAdapter([{}]);
    const c = await SessionLogCoordinator.start(dir, metadata('ses-default-finalize'), {
      liveAdapter: adapter,
      pollIntervalMs: 60_000,
    });
    await waitFor(() => adapter.polls === 1, 'the first poll, which starts at once');
    await c.finish(true);
    expect(adapter.polls).toBe(2);
  });

  it('lets subscribers passed in options see session_started, and everything after it', async () => {
    const seen: AgentLogEvent[] = [];
    const c = await SessionLogCoordinator.start(dir, metadata('ses-subscriber'), {
      liveAdapter: new ScriptedAdapter([{ emit: ['x'] }, {}]),
      onLogEvent: (e) => seen.push(e),
      pollIntervalMs: 5,
    });
    expect(seen[0]).toMatchObject({ seq: 1, type: 'session_started' });
    await c.finish(false, 'agent exited 3');
    const events = await readEvents(c.writer.logPath);
    expect(seen.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(seen.at(-1)).toMatchObject({ type: 'session_ended', success: false, error: 'agent exited 3' });
  });

  it('writes session_started with source_kind backfill for backfilled metadata', async () => {
    const c = await SessionLogCoordinator.start(dir, metadata('ses-backfilled', { backfilled: true, resumed: true }));
    await c.finish(true);
    const [first] = await readEvents(c.writer.logPath);
    expect(first).toMatchObject({ type: 'session_started', source_kind: 'backfill', backfilled: true, resumed: true });
  });

  it('makes finish, close and asyncDispose idempotent: one finalize, one session_ended', async () => {
    const adapter = new ScriptedAdapter([{}], { finalize: {} });
    const c = await SessionLogCoordinator.start(dir, metadata('ses-idem'), { liveAdapter: adapter });
    const first = c.finish(true);
    expect(c.finish(false, 'again')).toBe(first);
    await Promise.all([first, c.close(), c[Symbol.asyncDispose]()]);
    await c.close();
    const events = await readEvents(c.writer.logPath);
    expect(ofType(events, 'session_ended')).toEqual([expect.objectContaining({ success: true, error: null })]);
    expect(adapter.finalizeCalls).toBe(1);
  });

  it('ends an unfinished session as failed when disposed by await using', async () => {
    let logPath = '';
    {
      await using c = await SessionLogCoordinator.start(dir, metadata('ses-using'), {
        liveAdapter: new ScriptedAdapter([{ emit: ['x'] }]),
      });
      logPath = c.writer.logPath;
    }
    const events = await readEvents(logPath);
    expect(events.at(-1)).toMatchObject({ type: 'session_ended', success: false });
    expect(String(events.at(-1)?.error)).toMatch(/finish/);
    expect(ofType(events, 'session_ended')).toHaveLength(1);
  });

  it('rejects unusable intervals before writing anything', async () => {
    for (const bad of [0, -5, Number.NaN, Infinity, 2 ** 31]) {
      const err = await SessionLogCoordinator.start(dir, metadata('ses-bad'), { pollIntervalMs: bad }).catch((e) => e);
      expect(isSessionLogError(err, 'ERR_INVALID_OPTION')).toBe(true);
    }
    const err = await SessionLogCoordinator.start(dir, metadata('ses-bad'), { heartbeatIntervalMs: 0 }).catch((e) => e);
    expect(isSessionLogError(err, 'ERR_INVALID_OPTION')).toBe(true);
    await expect(readEvents(`${dir}/sessions/ses-bad.jsonl`)).rejects.toThrow(/ENOENT/);
  });
});

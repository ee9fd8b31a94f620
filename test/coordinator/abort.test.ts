import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionLogCoordinator, isSessionLogError } from '../../src/index.js';
import { ScriptedAdapter } from './fakes.js';
import { metadata, ofType, readEvents, sleep, tempDir, waitFor } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe('abort', () => {
  it('stops polling and heartbeats; finish still writes session_ended', async () => {
    const ac = new AbortController();
    const adapter = new ScriptedAdapter([{ emit: ['x'] }], { finalize: { emit: ['never'] } });
    let beats = 0;
    const c = await SessionLogCoordinator.start(dir, metadata('ses-abort'), {
      liveAdapter: adapter,
      pollIntervalMs: 2,
      heartbeatIntervalMs: 2,
      signal: ac.signal,
      onLogEvent: (e) => {
        if (e.type === 'heartbeat') beats += 1;
      },
    });
    await waitFor(() => adapter.polls >= 3 && beats >= 3, 'polls and heartbeats');
    ac.abort(new Error('user pressed ctrl-c'));
    // A poll that was in flight may still finish; nothing new starts after it.
    await sleep(10);
    const polls = adapter.polls;
    const beatsAtAbort = beats;
    await sleep(60);
    expect(adapter.polls).toBe(polls);
    expect(beats).toBe(beatsAtAbort);

    await c.finish(true);
    const events = await readEvents(c.writer.logPath);
    const status = ofType(events, 'provider_status');
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({ message: 'live capture stopped: the signal was aborted' });
    expect(status[0]?.data).toMatchObject({ reason: 'user pressed ctrl-c' });
    // No provider reads after an abort: finalize is skipped.
    expect(adapter.finalizeCalls).toBe(0);
    expect(ofType(events, 'session_ended')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'session_ended', success: true });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('rejects start with ERR_ABORTED and writes nothing when the signal is already aborted', async () => {
    const err = await SessionLogCoordinator.start(dir, metadata('ses-pre-aborted'), {
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_ABORTED')).toBe(true);
    await expect(readEvents(`${dir}/sessions/ses-pre-aborted.jsonl`)).rejects.toThrow(/ENOENT/);
  });

  it('ignores an abort that comes after finish', async () => {
    const ac = new AbortController();
    const c = await SessionLogCoordinator.start(dir, metadata('ses-late-abort'), { signal: ac.signal });
    await c.finish(true);
    ac.abort();
    const events = await readEvents(c.writer.logPath);
    expect(events.map((e) => e.type)).toEqual(['session_started', 'session_ended']);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionLogCoordinator, type LiveLogAdapter } from '../../src/index.js';
import { ScriptedAdapter } from './fakes.js';
import { metadata, ofType, readEvents, tempDir, waitFor, type LoggedEvent } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

function statusData(e: LoggedEvent): Record<string, unknown> {
  return (e.data ?? {}) as Record<string, unknown>;
}

describe('adapter faults', () => {
  it('records a throwing poll as provider_status naming the error, and keeps polling', async () => {
    const adapter = new ScriptedAdapter([{ emit: ['before'] }, { throw: 'disk on fire' }, { emit: ['after'] }, {}]);
    const c = await SessionLogCoordinator.start(dir, metadata('ses-poll-throws'), {
      liveAdapter: adapter,
      pollIntervalMs: 5,
    });
    await waitFor(() => adapter.polls >= 4, 'polls after the failing one');
    await c.finish(true);
    const events = await readEvents(c.writer.logPath);
    const status = ofType(events, 'provider_status');
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({ source_kind: 'wrapper' });
    expect(String(status[0]?.message)).toContain('disk on fire');
    expect(statusData(status[0]!)).toMatchObject({ source: 'poll', error: 'disk on fire', repeats: 0 });
    expect(ofType(events, 'assistant_message').map((e) => e.content)).toEqual(['poll:before', 'poll:after']);
    expect(ofType(events, 'session_ended')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'session_ended', success: true });
  });

  it('rate-limits the same repeated error and reports how often it repeated', async () => {
    const adapter = new ScriptedAdapter([{ throw: 'ENOENT: no such file' }], { finalize: {} });
    const c = await SessionLogCoordinator.start(dir, metadata('ses-repeats'), {
      liveAdapter: adapter,
      pollIntervalMs: 1,
    });
    await waitFor(() => adapter.polls >= 30, 'thirty failing polls');
    await c.finish(true);
    const status = ofType(await readEvents(c.writer.logPath), 'provider_status');
    // One event when it first happened, one summary at finish: not one per tick.
    expect(status).toHaveLength(2);
    const [first, summary] = status.map(statusData);
    expect(first).toMatchObject({ source: 'poll', repeats: 0, summary: false });
    expect(summary).toMatchObject({ source: 'poll', summary: true });
    expect(1 + Number(summary?.repeats)).toBe(adapter.polls);
    expect(String(status[1]?.message)).toMatch(new RegExp(`repeated ${adapter.polls - 1} more times`));
  });

  it('records a throwing finalize, still resolves finish and writes exactly one session_ended', async () => {
    const adapter = new ScriptedAdapter([{}], { finalize: { emit: ['partial'], throw: 'finalize broke' } });
    const c = await SessionLogCoordinator.start(dir, metadata('ses-finalize-throws'), { liveAdapter: adapter });
    await expect(c.finish(false, 'agent crashed')).resolves.toBeUndefined();
    const events = await readEvents(c.writer.logPath);
    const status = ofType(events, 'provider_status');
    expect(status.map(statusData)).toEqual([expect.objectContaining({ source: 'finalize', error: 'finalize broke' })]);
    expect(ofType(events, 'assistant_message').map((e) => e.content)).toEqual(['finalize:partial']);
    expect(ofType(events, 'session_ended')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'session_ended', success: false, error: 'agent crashed' });
    expect(adapter.finalizeCalls).toBe(1);
  });

  it('reports different errors each, and a throwing watchPaths, without stopping the loop', async () => {
    let n = 0;
    const adapter: LiveLogAdapter = {
      poll: async () => {
        n += 1;
        if (n <= 2) throw new TypeError(`bad record ${n}`);
      },
      watchPaths: () => {
        throw new Error('no home directory');
      },
    };
    const c = await SessionLogCoordinator.start(dir, metadata('ses-mixed'), { liveAdapter: adapter, pollIntervalMs: 2 });
    await waitFor(() => n >= 6, 'polls going on');
    await c.finish(true);
    const data = ofType(await readEvents(c.writer.logPath), 'provider_status').map(statusData);
    expect(data.filter((d) => d.source === 'poll').map((d) => d.error)).toEqual([
      'TypeError: bad record 1',
      'TypeError: bad record 2',
    ]);
    const wp = data.filter((d) => d.source === 'watch_paths');
    expect(wp[0]).toMatchObject({ error: 'no home directory', repeats: 0 });
    // Tried after every poll (and before the first), written once plus a summary.
    expect(wp).toHaveLength(2);
    expect(Number(wp[1]?.repeats)).toBeGreaterThanOrEqual(5);
  });

  it('does not let an adapter that never settles keep the session from ending', async () => {
    let polls = 0;
    const adapter: LiveLogAdapter = {
      poll: () => {
        polls += 1;
        return new Promise<void>(() => undefined);
      },
    };
    const c = await SessionLogCoordinator.start(dir, metadata('ses-hung'), {
      liveAdapter: adapter,
      finishTimeoutMs: 100,
    });
    await waitFor(() => polls === 1, 'the hung poll');
    await c.finish(true);
    const events = await readEvents(c.writer.logPath);
    expect(String(ofType(events, 'provider_status')[0]?.message)).toMatch(/still running after 100 ms/);
    expect(events.at(-1)).toMatchObject({ type: 'session_ended', success: true });
    expect(polls).toBe(1);
  });
});

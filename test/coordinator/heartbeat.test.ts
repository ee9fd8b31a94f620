import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionLogCoordinator } from '../../src/index.js';
import { ScriptedAdapter } from './fakes.js';
import { metadata, ofType, readEvents, sleep, tempDir, waitFor } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

describe('heartbeats', () => {
  it('beat at the interval without any adapter, from the wrapper', async () => {
    let beats = 0;
    const c = await SessionLogCoordinator.start(dir, metadata('ses-hb'), {
      heartbeatIntervalMs: 20,
      onLogEvent: (e) => {
        if (e.type === 'heartbeat') beats += 1;
      },
    });
    await waitFor(() => beats >= 4, 'four heartbeats');
    await c.finish(true);
    const events = await readEvents(c.writer.logPath);
    const hb = ofType(events, 'heartbeat');
    expect(hb.length).toBeGreaterThanOrEqual(4);
    // 20 ms is 0 whole seconds.
    for (const e of hb) expect(e).toMatchObject({ source_kind: 'wrapper', interval_secs: 0 });
    expect(events.at(-1)?.type).toBe('session_ended');
  });

  it('beat alongside an adapter and report interval_secs as the interval rounded to whole seconds', async () => {
    const adapter = new ScriptedAdapter([{}]);
    let beats = 0;
    const c = await SessionLogCoordinator.start(dir, metadata('ses-hb-round'), {
      liveAdapter: adapter,
      pollIntervalMs: 50,
      heartbeatIntervalMs: 600,
      onLogEvent: (e) => {
        if (e.type === 'heartbeat') beats += 1;
      },
    });
    await waitFor(() => beats >= 1, 'one heartbeat');
    await c.finish(true);
    const hb = ofType(await readEvents(c.writer.logPath), 'heartbeat');
    expect(hb[0]).toMatchObject({ interval_secs: 1 });
    expect(adapter.polls).toBeGreaterThan(1);
  });

  it('stop with finish: nothing is written after session_ended', async () => {
    const c = await SessionLogCoordinator.start(dir, metadata('ses-hb-stop'), { heartbeatIntervalMs: 5 });
    await sleep(30);
    await c.finish(true);
    const before = await readEvents(c.writer.logPath);
    await sleep(50);
    const after = await readEvents(c.writer.logPath);
    expect(after).toEqual(before);
    expect(after.at(-1)?.type).toBe('session_ended');
  });
});

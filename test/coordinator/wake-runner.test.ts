import { describe, expect, it } from 'vitest';
import { WakeRunner } from '../../src/coordinator/wake-runner.js';
import { sleep, waitFor } from './helpers.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('WakeRunner (single-flight, wake-coalescing)', () => {
  it('folds a burst of synchronous wakes into one run', async () => {
    let runs = 0;
    const r = new WakeRunner(async () => void (runs += 1), { idleWakeMs: 60_000, onError: () => undefined });
    for (let i = 0; i < 100; i++) r.wake();
    await waitFor(() => runs === 1, 'one run');
    await sleep(20);
    expect(runs).toBe(1);
    await r.stop();
  });

  it('never runs twice at once, and gives wakes during a run exactly one more run', async () => {
    const gates: Array<() => void> = [];
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const r = new WakeRunner(
      async () => {
        runs += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        const d = deferred();
        gates.push(d.resolve);
        await d.promise;
        active -= 1;
      },
      { idleWakeMs: 60_000, onError: () => undefined },
    );
    r.wake();
    await waitFor(() => gates.length === 1, 'the first run');
    for (let i = 0; i < 10; i++) r.wake();
    gates[0]?.();
    await waitFor(() => gates.length === 2, 'the one follow-up run');
    gates[1]?.();
    await sleep(20);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    await r.stop();
  });

  it('wakes itself after idleWakeMs of quiet, counted from the end of the last run', async () => {
    const ends: number[] = [];
    const starts: number[] = [];
    const r = new WakeRunner(
      async () => {
        starts.push(performance.now());
        await sleep(30);
        ends.push(performance.now());
      },
      { idleWakeMs: 20, onError: () => undefined },
    );
    r.wake();
    await waitFor(() => starts.length >= 3, 'three runs');
    await r.stop();
    for (let i = 1; i < starts.length; i++) {
      expect(starts[i]! - ends[i - 1]!).toBeGreaterThanOrEqual(15);
    }
  });

  it('hands task errors to onError and keeps going', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const r = new WakeRunner(
      async () => {
        runs += 1;
        throw new Error(`fail ${runs}`);
      },
      {
        idleWakeMs: 1,
        onError: (e) => {
          errors.push(e);
          throw new Error('a broken error handler must not stop the loop either');
        },
      },
    );
    r.wake();
    await waitFor(() => runs >= 3, 'runs after failures');
    await r.stop();
    expect(errors.length).toBe(runs);
  });

  it('stop cancels a queued run and resolves after the run in flight', async () => {
    const d = deferred();
    let runs = 0;
    let finished = false;
    const r = new WakeRunner(
      async () => {
        runs += 1;
        await d.promise;
        finished = true;
      },
      { idleWakeMs: 1, onError: () => undefined },
    );
    r.wake();
    await waitFor(() => runs === 1, 'the run');
    r.wake(); // queued behind the running one
    const stopped = r.stop();
    let resolved = false;
    void stopped.then(() => (resolved = true));
    await sleep(10);
    expect(resolved).toBe(false);
    d.resolve();
    await stopped;
    expect(finished).toBe(true);
    r.wake();
    await sleep(20);
    expect(runs).toBe(1);
    expect(r.stopped).toBe(true);
  });
});

import { appendFileSync, mkdirSync, readdirSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionLogCoordinator, type AgentLogEvent, type LogSink } from '../../src/index.js';
import { FileLinesAdapter } from './fakes.js';
import { metadata, ofType, readEvents, sleep, tempDir, waitFor, waitForQuiet } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

// With this interval the timer cannot explain any poll a test waits for.
const SLOW_TIMER = 5000;

/** Collects assistant_message contents with the time each was seen. */
function collector(): { seen: Map<string, number>; onLogEvent: (e: AgentLogEvent) => void } {
  const seen = new Map<string, number>();
  return {
    seen,
    onLogEvent: (e) => {
      if (e.type === 'assistant_message') seen.set(e.content, performance.now());
    },
  };
}

/** An adapter that, like a real one, finds its session file in a folder only after the agent creates it. */
class DiscoveringAdapter extends FileLinesAdapter {
  constructor(readonly folder: string) {
    super(null, [folder]);
  }

  override async poll(writer: LogSink): Promise<void> {
    if (this.watch[0] === this.folder) {
      const found = readdirSync(this.folder).find((n) => n.endsWith('.jsonl'));
      if (found) this.discover(join(this.folder, found));
    }
    await super.poll(writer);
  }
}

describe('file-watch-woken polling', () => {
  it('polls within 200 ms of an append to a watched file although pollIntervalMs is 5000', async () => {
    const file = join(dir, 'provider.jsonl');
    writeFileSync(file, 'first\n');
    const adapter = new FileLinesAdapter(file);
    const { seen, onLogEvent } = collector();
    const c = await SessionLogCoordinator.start(join(dir, 'logs'), metadata('ses-watch'), {
      liveAdapter: adapter,
      pollIntervalMs: SLOW_TIMER,
      onLogEvent,
    });
    // The first poll runs at start; the second is the wake-up when the watch set is live (chokidar's ready).
    await waitFor(() => adapter.pollTimes.length >= 2, 'the watch to be live');
    expect(c.watching).toEqual([file]);
    expect(seen.has('first')).toBe(true);

    for (let i = 0; i < 5; i++) {
      const before = adapter.pollTimes.length;
      const t0 = performance.now();
      appendFileSync(file, `line ${i}\n`);
      await waitFor(() => seen.has(`line ${i}`), `line ${i}`, 1000);
      expect(adapter.pollTimes.length).toBeGreaterThan(before);
      expect((seen.get(`line ${i}`) ?? Infinity) - t0).toBeLessThan(200);
      await sleep(20);
    }
    await c.finish(true);
  });

  it('folds a burst of appends into one or two polls and loses no line', async () => {
    const file = join(dir, 'burst.jsonl');
    writeFileSync(file, '');
    const adapter = new FileLinesAdapter(file);
    const { seen, onLogEvent } = collector();
    const c = await SessionLogCoordinator.start(join(dir, 'logs'), metadata('ses-burst'), {
      liveAdapter: adapter,
      pollIntervalMs: SLOW_TIMER,
      onLogEvent,
    });
    await waitFor(() => adapter.pollTimes.length >= 2, 'the watch to be live');
    // Let the polls of start-up settle, so that only the burst's polls are counted.
    await waitForQuiet(adapter.pollTimes);
    const before = adapter.pollTimes.length;
    for (let i = 0; i < 200; i++) appendFileSync(file, `b${i}\n`);
    await waitFor(() => seen.has('b199'), 'the whole burst', 1000);
    await sleep(50);
    expect(adapter.pollTimes.length - before).toBeLessThanOrEqual(2);
    expect(seen.size).toBe(200);
    await c.finish(true);
  });

  it('is not woken by an atime-only change, so a poll reading the file cannot wake the next one', async () => {
    const file = join(dir, 'provider.jsonl');
    writeFileSync(file, 'a\n');
    const adapter = new FileLinesAdapter(file);
    const c = await SessionLogCoordinator.start(join(dir, 'logs'), metadata('ses-atime'), {
      liveAdapter: adapter,
      pollIntervalMs: SLOW_TIMER,
    });
    await waitFor(() => adapter.pollTimes.length >= 2, 'the watch to be live');
    // An mtime that utimes can set again exactly (whole seconds; the file's own has nanoseconds).
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000);
    utimesSync(file, new Date(), mtime);
    await waitForQuiet(adapter.pollTimes);
    const before = adapter.pollTimes.length;
    // What a read does on a strictatime mount: atime moves, content and mtime do not.
    for (let i = 1; i <= 5; i++) {
      utimesSync(file, new Date(Date.now() + i * 1000), mtime);
      await sleep(20);
    }
    await sleep(200);
    expect(adapter.pollTimes.length).toBe(before);
    // A real write still wakes it.
    appendFileSync(file, 'b\n');
    await waitFor(() => adapter.pollTimes.length > before, 'a poll after the write', 1000);
    await c.finish(true);
  });

  it('moves the watch from the folder to the file once the adapter discovers it', async () => {
    const folder = join(dir, 'project');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'not a session\n');
    const adapter = new DiscoveringAdapter(folder);
    const { seen, onLogEvent } = collector();
    const c = await SessionLogCoordinator.start(join(dir, 'logs'), metadata('ses-discover'), {
      liveAdapter: adapter,
      pollIntervalMs: SLOW_TIMER,
      onLogEvent,
    });
    await waitFor(() => adapter.pollTimes.length >= 2, 'the folder watch to be live');
    expect(c.watching).toEqual([folder]);

    // The agent creates its session file: the folder watch wakes the loop, the adapter discovers the file.
    const file = join(folder, 'session-1.jsonl');
    const t0 = performance.now();
    writeFileSync(file, 'hello\n');
    await waitFor(() => seen.has('hello'), 'the new file', 1000);
    expect((seen.get('hello') ?? Infinity) - t0).toBeLessThan(200);
    await waitFor(() => c.watching.length === 1 && c.watching[0] === file, 'the watch set to move to the file');
    await waitForQuiet(adapter.pollTimes);
    const t1 = performance.now();
    appendFileSync(file, 'world\n');
    await waitFor(() => seen.has('world'), 'the append', 1000);
    expect((seen.get('world') ?? Infinity) - t1).toBeLessThan(200);

    // The folder is no longer watched: another file changing there does not wake the loop.
    await waitForQuiet(adapter.pollTimes);
    const before = adapter.pollTimes.length;
    appendFileSync(join(folder, 'notes.txt'), 'still not a session\n');
    await sleep(300);
    expect(adapter.pollTimes.length).toBe(before);
    await c.finish(true);
  });

  it('watches the nearest existing folder of a path whose folders do not exist yet', async () => {
    const file = join(dir, 'a', 'b', 'c', 'session.jsonl');
    const adapter = new FileLinesAdapter(file);
    const { seen, onLogEvent } = collector();
    const c = await SessionLogCoordinator.start(join(dir, 'logs'), metadata('ses-nested'), {
      liveAdapter: adapter,
      pollIntervalMs: SLOW_TIMER,
      onLogEvent,
    });
    await waitFor(() => adapter.pollTimes.length >= 2, 'the ancestor watch to be live');
    expect(c.watching).toEqual([dir]);
    mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
    await waitFor(() => c.watching[0] === join(dir, 'a', 'b', 'c'), 'the watch to move down', 1000);
    writeFileSync(file, 'deep\n');
    await waitFor(() => seen.has('deep'), 'the line in the new file', 1000);
    await waitFor(() => c.watching[0] === file, 'the watch to reach the file', 1000);
    await c.finish(true);
  });

  it('follows a watched file that is deleted and created again', async () => {
    const file = join(dir, 'provider.jsonl');
    writeFileSync(file, 'a\n');
    const adapter = new FileLinesAdapter(file);
    const { seen, onLogEvent } = collector();
    const c = await SessionLogCoordinator.start(join(dir, 'logs'), metadata('ses-recreate'), {
      liveAdapter: adapter,
      pollIntervalMs: SLOW_TIMER,
      onLogEvent,
    });
    await waitFor(() => adapter.pollTimes.length >= 2, 'the watch to be live');
    unlinkSync(file);
    await waitFor(() => c.watching[0] === dir, 'the watch to fall back to the folder', 1000);
    await waitForQuiet(adapter.pollTimes);
    writeFileSync(file, 'b\n');
    await waitFor(() => seen.has('b'), 'the line of the new file', 1000);
    await waitFor(() => c.watching[0] === file, 'the watch to return to the file', 1000);
    await waitForQuiet(adapter.pollTimes);
    const t0 = performance.now();
    appendFileSync(file, 'c\n');
    await waitFor(() => seen.has('c'), 'the append to the new file', 1000);
    expect((seen.get('c') ?? Infinity) - t0).toBeLessThan(200);
    await c.finish(true);
  });

  it('falls back to the timer when watching fails, says so once, and loses nothing', async () => {
    const loop = join(dir, 'loop');
    symlinkSync(loop, loop); // stat() fails with ELOOP: a real watcher error on any Linux/macOS filesystem
    const file = join(dir, 'provider.jsonl');
    writeFileSync(file, 'one\n');
    const adapter = new FileLinesAdapter(file, [loop]);
    const { seen, onLogEvent } = collector();
    const c = await SessionLogCoordinator.start(join(dir, 'logs'), metadata('ses-watch-fails'), {
      liveAdapter: adapter,
      pollIntervalMs: 20,
      onLogEvent,
    });
    await waitFor(() => seen.has('one'), 'the first line');
    await waitFor(() => adapter.pollTimes.length >= 5, 'timer polls after the failure');
    appendFileSync(file, 'two\n');
    await waitFor(() => seen.has('two'), 'the line after the failure');
    expect(c.watching).toEqual([]);
    await c.finish(true);
    const events = await readEvents(c.writer.logPath);
    const status = ofType(events, 'provider_status');
    expect(status).toHaveLength(1);
    expect(String(status[0]?.message)).toMatch(/^file watching failed \(.*ELOOP.*\); polling every 20 ms instead$/);
    expect(status[0]?.data).toMatchObject({ source: 'watcher', error_code: 'ELOOP', poll_interval_ms: 20 });
    expect(ofType(events, 'assistant_message').map((e) => e.content)).toEqual(['one', 'two']);
  });
});

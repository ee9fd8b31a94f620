import { mkdir, mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followSessionLog, type AgentLogEvent } from '../../src/index.js';
import { replayInChunks } from '../helpers/replay.js';

const ZAG_FIXTURE = fileURLToPath(new URL('./fixtures/zag-written.jsonl', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asl-follow-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (seq: number): string =>
  `{"seq":${seq},"ts":"2026-11-28T19:00:00.000Z","provider":"codex","wrapper_session_id":"s1",` +
  `"provider_session_id":null,"source_kind":"wrapper","completeness":"full","type":"assistant_message",` +
  `"content":"hello ${seq}","message_id":null}\n`;

/** Follows until `count` events arrived, then aborts; resolves with them. Fails after `timeoutMs`. */
async function followUntil(
  path: string,
  count: number,
  options: {
    fromSeq?: number;
    onEvent?: (ev: AgentLogEvent, n: number) => void;
    timeoutMs?: number;
    pollIntervalMs?: number;
  } = {},
): Promise<AgentLogEvent[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), options.timeoutMs ?? 15_000);
  const out: AgentLogEvent[] = [];
  try {
    const opts = options.fromSeq === undefined ? { signal: ac.signal } : { signal: ac.signal, fromSeq: options.fromSeq };
    for await (const ev of followSessionLog(path, { ...opts, pollIntervalMs: options.pollIntervalMs ?? 200 })) {
      out.push(ev);
      options.onEvent?.(ev, out.length);
      if (out.length >= count) ac.abort();
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/** Watch handles and timers this process holds (to prove nothing is left running). */
function liveHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap' || r === 'StatWatcher' || r === 'Timeout');
}

describe('followSessionLog', () => {
  it('yields the existing events, then every line another process appends in random chunks, never a half line', async () => {
    const path = join(dir, 'sessions', 'live.jsonl');
    const source = (await readFile(ZAG_FIXTURE, 'utf8')).split('\n').filter(Boolean);
    await mkdir(join(dir, 'sessions'));
    await writeFile(path, `${source.slice(0, 3).join('\n')}\n`);
    const rest = join(dir, 'rest.jsonl');
    await writeFile(rest, `${source.slice(3).join('\n')}\n`);

    let replay: Promise<void> | undefined;
    const events = await followUntil(path, source.length, {
      onEvent: (_ev, n) => {
        // Start the writer only once the existing part has been delivered.
        if (n === 3) replay = replayInChunks(rest, path, { seed: 7, maxChunk: 40, maxDelayMs: 20 });
      },
    });
    await replay;
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0, 9, 10, 11]);
    expect(events.map((e) => JSON.stringify(e.type))).toEqual(source.map((l) => JSON.stringify(JSON.parse(l).type)));
  });

  it('is woken by file watching: with a poll interval far beyond the timeout, appends still arrive', async () => {
    const path = join(dir, 'watched.jsonl');
    await writeFile(path, line(1));
    const events = await followUntil(path, 3, {
      pollIntervalMs: 600_000,
      timeoutMs: 15_000,
      onEvent: (ev) => {
        if (ev.seq < 3) setTimeout(() => void appendFile(path, line(ev.seq + 1)), 100);
      },
    });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('starts at fromSeq (inclusive) and then keeps everything that follows', async () => {
    const path = join(dir, 'from.jsonl');
    await writeFile(path, [1, 2, 3, 4, 5].map(line).join(''));
    const events = await followUntil(path, 4, {
      fromSeq: 3,
      onEvent: (ev) => {
        if (ev.seq === 5) void appendFile(path, line(6));
      },
    });
    expect(events.map((e) => e.seq)).toEqual([3, 4, 5, 6]);
  });

  it('waits for a log that does not exist yet, in a folder that does not exist yet', async () => {
    const path = join(dir, 'later', 'sessions', 'new.jsonl');
    const writer = (async () => {
      await new Promise((r) => setTimeout(r, 300));
      await mkdir(join(dir, 'later', 'sessions'), { recursive: true });
      await writeFile(path, line(1));
      await new Promise((r) => setTimeout(r, 150));
      await appendFile(path, line(2));
    })();
    const events = await followUntil(path, 2);
    await writer;
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('ends cleanly when the signal aborts while it waits, and leaves no watcher or timer behind', async () => {
    const path = join(dir, 'idle.jsonl');
    await writeFile(path, line(1));
    const before = liveHandles().length;
    const ac = new AbortController();
    const rejections: unknown[] = [];
    const onRejection = (r: unknown): void => void rejections.push(r);
    process.on('unhandledRejection', onRejection);
    try {
      const seen: number[] = [];
      const done = (async () => {
        for await (const ev of followSessionLog(path, { signal: ac.signal, pollIntervalMs: 10_000 })) seen.push(ev.seq);
      })();
      await new Promise((r) => setTimeout(r, 400));
      ac.abort();
      await done; // resolves (no throw)
      expect(seen).toEqual([1]);
      await new Promise((r) => setTimeout(r, 50));
      expect(liveHandles().length).toBeLessThanOrEqual(before);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('closes its watcher when the consumer breaks out early, and yields nothing for an already-aborted signal', async () => {
    const path = join(dir, 'break.jsonl');
    await writeFile(path, [1, 2, 3].map(line).join(''));
    const before = liveHandles().length;
    for await (const ev of followSessionLog(path)) {
      expect(ev.seq).toBe(1);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(liveHandles().length).toBeLessThanOrEqual(before);

    const ac = new AbortController();
    ac.abort();
    const seen: AgentLogEvent[] = [];
    for await (const ev of followSessionLog(path, { signal: ac.signal })) seen.push(ev);
    expect(seen).toEqual([]);
  });

  it('reports a corrupt complete line with its number, or skips it when asked', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, `${line(1)}garbage\n${line(3)}`);
    await expect(followUntil(path, 3)).rejects.toMatchObject({ code: 'ERR_CORRUPT_LINE', lineNo: 2 });
    const ac = new AbortController();
    const seen: number[] = [];
    for await (const ev of followSessionLog(path, { signal: ac.signal, onInvalid: 'skip' })) {
      seen.push(ev.seq);
      if (ev.seq === 3) ac.abort();
    }
    expect(seen).toEqual([1, 3]);
  });
});

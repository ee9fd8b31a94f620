import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isSessionLogError,
  readSessionLog,
  serializeLogEvent,
  SessionLogLineError,
  type AgentLogEvent,
} from '../../src/index.js';

const ZAG_FIXTURE = fileURLToPath(new URL('./fixtures/zag-written.jsonl', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asl-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(path: string, options?: Parameters<typeof readSessionLog>[1]): Promise<AgentLogEvent[]> {
  const out: AgentLogEvent[] = [];
  for await (const ev of readSessionLog(path, options)) out.push(ev);
  return out;
}

/** Rejection of a full read, with the events yielded before it. */
async function collectUntilError(path: string): Promise<{ events: AgentLogEvent[]; error: unknown }> {
  const events: AgentLogEvent[] = [];
  try {
    for await (const ev of readSessionLog(path)) events.push(ev);
  } catch (error) {
    return { events, error };
  }
  throw new Error('expected the read to fail');
}

const line = (seq: number, extra = ''): string =>
  `{"seq":${seq},"ts":"2026-11-28T19:00:0${seq % 10}.000Z","provider":"codex","wrapper_session_id":"s1",` +
  `"provider_session_id":null,"source_kind":"wrapper","completeness":"full","type":"assistant_message",` +
  `"content":"hello ${seq}${extra}","message_id":null}`;

describe('readSessionLog on zag-written lines', () => {
  it('reads every line zag writes, including seq 0, nanosecond +00:00 timestamps and a duplicate provider key', async () => {
    const events = await collect(ZAG_FIXTURE);
    const raw = (await readFile(ZAG_FIXTURE, 'utf8')).trimEnd().split('\n');
    expect(events).toHaveLength(raw.length);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0, 9, 10, 11]);
    expect(events[0]!.ts).toBe('2026-11-28T19:00:00.123456789+00:00');
    const hit = events.find((e) => e.type === 'usage_limit_hit');
    expect(hit).toMatchObject({ provider: 'claude', scope: 'session', incident_id: 'inc-1', fallback_used: false });
    const usage = events.find((e) => e.type === 'usage');
    expect(usage).toMatchObject({ input_tokens: 1200, cache_read_tokens: 1000, total_cost_usd: 0.0123 });
    expect(events.find((e) => e.seq === 0)).toMatchObject({ type: 'user_event', data: { by: 'zag listen' } });
  });

  it('loses nothing: re-serializing each event gives zag’s line back (usage_limit_hit keeps one provider key)', async () => {
    const events = await collect(ZAG_FIXTURE);
    const raw = (await readFile(ZAG_FIXTURE, 'utf8')).trimEnd().split('\n');
    events.forEach((ev, i) => {
      const expected = ev.type === 'usage_limit_hit' ? raw[i]!.replace(',"provider":"claude","scope"', ',"scope"') : raw[i];
      expect(serializeLogEvent(ev)).toBe(expected);
    });
  });

  it('passes a line of an unknown type through unchanged', async () => {
    const future =
      '{"seq":2,"ts":"2026-11-28T19:00:00Z","provider":"claude","wrapper_session_id":"s1","provider_session_id":null,' +
      '"source_kind":"wrapper","completeness":"full","type":"hologram_projected","angle":42,"nested":{"a":[1,2]}}';
    const path = join(dir, 'future.jsonl');
    await writeFile(path, `${line(1)}\n${future}\n${line(3)}\n`);
    const events = await collect(path);
    expect(events.map((e) => e.type)).toEqual(['assistant_message', 'hologram_projected', 'assistant_message']);
    expect(events[1]).toEqual(JSON.parse(future));
  });
});

describe('readSessionLog on damaged logs', () => {
  it('skips a torn last line (no newline, not JSON), as left by a writer mid-append', async () => {
    const path = join(dir, 'torn.jsonl');
    const third = line(3);
    await writeFile(path, `${line(1)}\n${line(2)}\n${third.slice(0, 57)}`);
    const events = await collect(path);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('yields a complete last event even when its newline has not been written yet', async () => {
    const path = join(dir, 'no-newline.jsonl');
    await writeFile(path, `${line(1)}\n${line(2)}`);
    expect((await collect(path)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('reports a corrupt middle line with its line number, after yielding the events before it', async () => {
    const path = join(dir, 'corrupt.jsonl');
    await writeFile(path, `${line(1)}\n\n${line(2).slice(0, 40)}\n${line(3)}\n`);
    const { events, error } = await collectUntilError(path);
    expect(events.map((e) => e.seq)).toEqual([1]);
    expect(error).toBeInstanceOf(SessionLogLineError);
    expect(isSessionLogError(error, 'ERR_CORRUPT_LINE')).toBe(true);
    const lineError = error as SessionLogLineError;
    expect(lineError.lineNo).toBe(3);
    expect(lineError.path).toBe(path);
    expect(lineError.message).toContain(`${path}:3:`);
  });

  it('reports valid JSON that is not a valid event of a known type, and a terminated bad last line', async () => {
    const path = join(dir, 'bad-fields.jsonl');
    const missingContent = line(2).replace(/"content":"hello 2",/, '');
    await writeFile(path, `${line(1)}\n${missingContent}\n`);
    const { error } = await collectUntilError(path);
    expect((error as SessionLogLineError).lineNo).toBe(2);

    const path2 = join(dir, 'bad-last.jsonl');
    await writeFile(path2, `${line(1)}\n{"seq":2,"ts"\n`);
    const second = await collectUntilError(path2);
    expect((second.error as SessionLogLineError).lineNo).toBe(2);
  });

  it("with onInvalid: 'skip' drops bad lines, tells onSkip their numbers and goes on", async () => {
    const path = join(dir, 'skip.jsonl');
    await writeFile(path, `${line(1)}\nnot json at all\n${line(3)}\n["an","array"]\n${line(5)}\n{"seq":6`);
    const skipped: number[] = [];
    const events = await collect(path, { onInvalid: 'skip', onSkip: (e) => skipped.push(e.lineNo) });
    expect(events.map((e) => e.seq)).toEqual([1, 3, 5]);
    expect(skipped).toEqual([2, 4]);
  });
});

describe('readSessionLog streaming and errors', () => {
  it('reads lines longer than its read chunk and multi-byte characters across chunk boundaries', async () => {
    const path = join(dir, 'long.jsonl');
    // 300 KiB of 3-byte characters: spans several 64 KiB chunks at odd byte positions.
    const long = 'é✓'.repeat(60_000);
    await writeFile(path, `${line(1)}\n${line(2, long)}\n${line(3)}\n`);
    const events = await collect(path);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((events[1] as { content: string }).content).toBe(`hello 2${long}`);
  });

  it('reads a file much larger than its buffer as a stream (events arrive before the end is read)', async () => {
    const path = join(dir, 'big.jsonl');
    const n = 20_000;
    await writeFile(path, Array.from({ length: n }, (_, i) => line(i + 1)).join('\n') + '\n');
    let count = 0;
    for await (const ev of readSessionLog(path)) {
      count++;
      if (count === 1) {
        // Appending after the first event is yielded proves the file was not read up front.
        await appendFile(path, `${line(n + 1)}\n`);
      }
      expect(ev.seq).toBe(count);
    }
    expect(count).toBe(n + 1);
  });

  it('rejects with ERR_NOT_FOUND for a missing file and ERR_ABORTED for an aborted signal', async () => {
    await expect(collect(join(dir, 'nope.jsonl'))).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    const path = join(dir, 'ok.jsonl');
    await writeFile(path, `${line(1)}\n${line(2)}\n`);
    const ac = new AbortController();
    ac.abort();
    await expect(collect(path, { signal: ac.signal })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    const ac2 = new AbortController();
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const ev of readSessionLog(path, { signal: ac2.signal })) {
          seen.push(ev.seq);
          ac2.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(seen).toEqual([1]);
  });
});

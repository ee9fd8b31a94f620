import { mkdtemp, rm, truncate, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClaudeParser } from '../../src/providers/index.js';
import { LineTailer, parseOversizeLine, readLines, isSessionLogError } from '../../src/index.js';
import { SnapshotReader } from '../../src/tail/snapshot.js';
import { linkToDevZero, mkfifo } from '../helpers/special-files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-tail-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drain(path: string, options: { maxLineBytes?: number } = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const { line } of readLines(path, options)) out.push(line);
  return out;
}

describe('provider files that are not regular files', () => {
  it('readLines refuses a FIFO at once instead of blocking in open()', async () => {
    const fifo = join(dir, 'session.jsonl');
    mkfifo(fifo);
    const err = await drain(fifo).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_NOT_REGULAR_FILE')).toBe(true);
  }, 10_000);

  it('readLines refuses a symlink to /dev/zero before reading a byte', async () => {
    const zero = join(dir, 'session.jsonl');
    linkToDevZero(zero);
    const err = await drain(zero).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_NOT_REGULAR_FILE')).toBe(true);
  }, 10_000);

  it('LineTailer and SnapshotReader refuse a FIFO put where the file was', async () => {
    const path = join(dir, 'live.jsonl');
    await writeFile(path, '{"a":1}\n');
    const tailer = new LineTailer(path);
    expect((await tailer.read()).lines).toEqual(['{"a":1}']);
    await rm(path);
    mkfifo(path);
    const err = await tailer.read().catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_NOT_REGULAR_FILE')).toBe(true);
    await tailer.close();
    const snap = new SnapshotReader(path);
    const err2 = await snap.readIfChanged().catch((e: unknown) => e);
    expect(isSessionLogError(err2, 'ERR_NOT_REGULAR_FILE')).toBe(true);
    await snap.close();
  }, 10_000);
});

describe('line length limit', () => {
  it('delivers a line longer than maxLineBytes as a marker with its size and head, and reads on', async () => {
    const path = join(dir, 'long.jsonl');
    const long = `{"type":"user","text":"${'x'.repeat(300_000)}"}`;
    await writeFile(path, `{"a":1}\n${long}\n{"b":2}\n${long}`);
    const lines = await drain(path, { maxLineBytes: 100_000 });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('{"a":1}');
    expect(lines[2]).toBe('{"b":2}');
    for (const marker of [lines[1]!, lines[3]!]) {
      const over = parseOversizeLine(marker);
      expect(over?.bytes).toBe(Buffer.byteLength(long));
      expect(over?.head.startsWith('{"type":"user","text":"xxx')).toBe(true);
      expect(over!.head.length).toBeLessThan(10_000);
    }
  });

  it('a provider parser turns the oversize marker into a parse_warning holding size and head', async () => {
    const path = join(dir, 'long.jsonl');
    await writeFile(path, `${'y'.repeat(50_000)}\n`);
    const [marker] = await drain(path, { maxLineBytes: 1000 });
    // The record-times rule holds events until the file's first timed record; a
    // file with no time at all releases them at end of input, so read to the end.
    const parser = createClaudeParser();
    const events = [...parser.push(marker!), ...parser.end()];
    expect(events).toHaveLength(1);
    const [, ev] = events[0]!;
    expect(ev.type).toBe('parse_warning');
    expect(ev).toMatchObject({ message: expect.stringContaining('50000 bytes') });
    expect((ev as { raw: string }).raw.startsWith('yyyy')).toBe(true);
  });

  it('LineTailer bounds an overlong line the same way, across reads, and keeps its offsets right', async () => {
    const path = join(dir, 'live.jsonl');
    await writeFile(path, '{"a":1}\n' + 'z'.repeat(5000));
    const tailer = new LineTailer(path, { maxLineBytes: 1000, chunkSize: 512 });
    expect((await tailer.read()).lines).toEqual(['{"a":1}']);
    await appendFile(path, 'z'.repeat(5000) + '\n{"b":2}\n');
    const { lines } = await tailer.read();
    expect(lines).toHaveLength(2);
    expect(parseOversizeLine(lines[0]!)?.bytes).toBe(10_000);
    expect(lines[1]).toBe('{"b":2}');
    expect(tailer.offset).toBe(8 + 10_001 + 8);
    await tailer.close();
  });
});

describe('truncation', () => {
  it('notices a truncation even when the file regrew past its old size before the next read: no line lost or repeated', async () => {
    const path = join(dir, 'live.jsonl');
    // Lines with the same tail, as real JSONL records often have ("...,"version":"2.1.0"}").
    const line = (n: number) => `{"n":${n},"pad":"${'p'.repeat(40)}"}`;
    await writeFile(path, `${line(1)}\n${line(2)}\n`);
    const tailer = new LineTailer(path);
    expect((await tailer.read()).lines).toEqual([line(1), line(2)]);
    await truncate(path, 0);
    await writeFile(path, `${line(3)}\n${line(4)}\n${line(5)}\n`);
    const r = await tailer.read();
    expect(r.reset).toBe(true);
    expect(r.lines).toEqual([line(3), line(4), line(5)]);
    await appendFile(path, `${line(6)}\n`);
    expect(await tailer.read()).toEqual({ lines: [line(6)], reset: false, more: false });
    await tailer.close();
  });

  it('after a regrow that rewrote the same lines first, only the new lines come', async () => {
    const path = join(dir, 'live.jsonl');
    await writeFile(path, 'one\ntwo\n');
    const tailer = new LineTailer(path);
    expect((await tailer.read()).lines).toEqual(['one', 'two']);
    await truncate(path, 0);
    await writeFile(path, 'zero\none\ntwo\nthree\n');
    const r = await tailer.read();
    expect(r.reset).toBe(true);
    expect(r.lines).toEqual(['zero', 'three']);
    await tailer.close();
  });
});

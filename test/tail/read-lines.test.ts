import { open, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSessionLogError, readLines, type LineRecord } from '../../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'readlines-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<LineRecord>): Promise<LineRecord[]> {
  const out: LineRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** Expected records computed directly from the bytes. */
function expectedRecords(bytes: Buffer, start = 0): LineRecord[] {
  const out: LineRecord[] = [];
  let pos = start;
  let lineNo = 0;
  while (pos < bytes.length) {
    const nl = bytes.indexOf(10, pos);
    const end = nl < 0 ? bytes.length : nl;
    out.push({ line: bytes.toString('utf8', pos, end), lineNo: ++lineNo, offset: pos });
    pos = end + 1;
  }
  return out;
}

const openFds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;

describe('readLines', () => {
  it('yields every line with its number and byte offset, the last one without newline too', async () => {
    const text = 'alpha\n{"b":"é€"}\n\nlast';
    const f = join(dir, 'a');
    await writeFile(f, text);
    expect(await collect(readLines(f))).toEqual(expectedRecords(Buffer.from(text)));
  });

  it('joins lines longer than the chunk and multi-byte characters split across chunks', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${i}:${'😀é'.repeat(i)}${'z'.repeat(i * 3)}`);
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const f = join(dir, 'b');
    await writeFile(f, bytes);
    for (const chunkSize of [1, 3, 7, 64]) {
      expect(await collect(readLines(f, { chunkSize }))).toEqual(expectedRecords(bytes));
    }
  });

  it('drops the \r of CRLF lines, also when a chunk boundary falls between \r and \n', async () => {
    const bytes = Buffer.from('one\r\ntwo é\r\n\r\nlast\r');
    const f = join(dir, 'crlf');
    await writeFile(f, bytes);
    const want = expectedRecords(bytes).map((r) => ({ ...r, line: r.line.replace(/\r$/, '') }));
    for (const chunkSize of [1, 2, 3, 4, 5, 6, 7, 64]) {
      expect(await collect(readLines(f, { chunkSize }))).toEqual(want);
    }
  });

  it('starts at a byte offset', async () => {
    const bytes = Buffer.from('one\ntwo\nthree\n');
    const f = join(dir, 'c');
    await writeFile(f, bytes);
    expect(await collect(readLines(f, { start: 4 }))).toEqual(expectedRecords(bytes, 4));
  });

  it('yields nothing for a missing file', async () => {
    expect(await collect(readLines(join(dir, 'nope')))).toEqual([]);
  });

  it('streams a large file with bounded memory', async () => {
    const f = join(dir, 'big');
    const line = JSON.stringify({ type: 'assistant', text: 'x'.repeat(2000) });
    const perWrite = Buffer.from(Array.from({ length: 1000 }, () => line).join('\n') + '\n');
    const fh = await open(f, 'w');
    const writes = Math.ceil((96 * 1024 * 1024) / perWrite.length);
    for (let i = 0; i < writes; i++) await fh.write(perWrite);
    await fh.close();
    const total = writes * 1000;
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let n = 0;
    for await (const r of readLines(f)) {
      if (r.line.length !== line.length) throw new Error(`bad line ${r.lineNo}`);
      if (++n % 2000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    expect(n).toBe(total);
    // The file is ~96 MB (~192 MB as a JS string); streaming keeps the heap far below that.
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  });

  it('stops with ERR_ABORTED when the signal aborts, and closes the file', async () => {
    const f = join(dir, 'd');
    await writeFile(f, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n'));
    const before = await openFds();
    const ac = new AbortController();
    let seen = 0;
    let error: unknown;
    try {
      for await (const _ of readLines(f, { signal: ac.signal, chunkSize: 64 })) {
        if (++seen === 10) ac.abort();
      }
    } catch (err) {
      error = err;
    }
    expect(isSessionLogError(error, 'ERR_ABORTED')).toBe(true);
    expect(seen).toBe(10);
    expect(await openFds()).toBe(before);
  });

  it('closes the file when the consumer stops early', async () => {
    const f = join(dir, 'e');
    await writeFile(f, 'a\nb\nc\n');
    const before = await openFds();
    for await (const r of readLines(f)) {
      if (r.line === 'a') break;
    }
    expect(await openFds()).toBe(before);
  });
});

import { appendFile, mkdtemp, rename, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineTailer } from '../../src/index.js';
import { replayInChunks } from '../helpers/replay.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tail-'));
  file = join(dir, 'log.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LineTailer', () => {
  it('returns only complete lines and keeps a partial line for the next read', async () => {
    await writeFile(file, 'first\nsec');
    const t = new LineTailer(file);
    expect(await t.read()).toEqual({ lines: ['first'], reset: false, more: false });
    expect(t.offset).toBe(6);
    await appendFile(file, 'ond\nthi');
    expect((await t.read()).lines).toEqual(['second']);
    expect((await t.read()).lines).toEqual([]);
    await appendFile(file, 'rd\n');
    expect((await t.read()).lines).toEqual(['third']);
    expect(t.offset).toBe(Buffer.byteLength('first\nsecond\nthird\n'));
    await t.close();
  });

  it('decodes UTF-8 characters whose bytes arrive in different writes', async () => {
    const text = 'é€😀 naïve — 日本語\n';
    const bytes = Buffer.from(text);
    const t = new LineTailer(file, { chunkSize: 3 });
    await writeFile(file, '');
    const got: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      await appendFile(file, bytes.subarray(i, i + 1));
      got.push(...(await t.read()).lines);
    }
    expect(got).toEqual([text.slice(0, -1)]);
  });

  it('treats a missing file as empty and picks it up once it exists', async () => {
    const t = new LineTailer(file);
    expect(await t.read()).toEqual({ lines: [], reset: false, more: false });
    await writeFile(file, 'hello\n');
    expect((await t.read()).lines).toEqual(['hello']);
  });

  it('returns the trailing line without newline only when flushing', async () => {
    await writeFile(file, 'x\ny');
    const t = new LineTailer(file);
    expect((await t.read()).lines).toEqual(['x']);
    expect((await t.read()).lines).toEqual([]);
    expect((await t.read({ flush: true })).lines).toEqual(['y']);
    expect(t.offset).toBe(3);
    expect((await t.read({ flush: true })).lines).toEqual([]);
  });

  it('restarts after truncation without repeating delivered lines', async () => {
    await writeFile(file, 'a\nb\nc\n');
    const t = new LineTailer(file);
    expect((await t.read()).lines).toEqual(['a', 'b', 'c']);
    await truncate(file, 0);
    await writeFile(file, 'a\nb\nd\n');
    expect(await t.read()).toEqual({ lines: ['d'], reset: true, more: false });
    await appendFile(file, 'c\ne\n');
    // 'c' was delivered before the reset and had not come back yet: still skipped once.
    expect((await t.read()).lines).toEqual(['e']);
  });

  it('restarts when the file is replaced by a rename (new inode)', async () => {
    await writeFile(file, 'one\ntwo\n');
    const t = new LineTailer(file);
    expect((await t.read()).lines).toEqual(['one', 'two']);
    const tmp = join(dir, 'new.tmp');
    await writeFile(tmp, 'one\ntwo\nthree and more bytes\n');
    await rename(tmp, file);
    expect(await t.read()).toEqual({ lines: ['three and more bytes'], reset: true, more: false });
  });

  it('notices a rewrite in place that did not shrink the file', async () => {
    await writeFile(file, 'aaaa\nbbbb\n');
    const t = new LineTailer(file);
    expect((await t.read()).lines).toEqual(['aaaa', 'bbbb']);
    await writeFile(file, 'aaaa\nzzzz\nbbbb\ncccc\n'); // same inode, longer, different bytes at the old end
    const r = await t.read();
    expect(r.reset).toBe(true);
    expect(r.lines).toEqual(['zzzz', 'cccc']);
  });

  it('notices a same-size rewrite in place even with its mtime set back (an idle read only stats the file)', async () => {
    await writeFile(file, 'aaaa\nbbbb\n');
    await utimes(file, 1_000_000, 1_000_000); // a whole second, so it can be set back exactly
    const t = new LineTailer(file);
    expect((await t.read()).lines).toEqual(['aaaa', 'bbbb']);
    expect(await t.read()).toEqual({ lines: [], reset: false, more: false }); // unchanged: nothing
    await writeFile(file, 'aaaa\nzzzz\n'); // same inode, same size, different last line
    await utimes(file, 1_000_000, 1_000_000);
    expect((await stat(file)).mtimeMs).toBe(1_000_000_000);
    const r = await t.read();
    expect(r.reset).toBe(true);
    expect(r.lines).toEqual(['zzzz']);
  });

  it('de-duplicates repeated identical lines by count, not by value', async () => {
    await writeFile(file, 'same\nsame\n');
    const t = new LineTailer(file);
    expect((await t.read()).lines).toEqual(['same', 'same']);
    const tmp = join(dir, 'n');
    await writeFile(tmp, 'same\nsame\nsame\n');
    await rename(tmp, file);
    expect((await t.read()).lines).toEqual(['same']);
  });

  it('starts at fromOffset and bounds the bytes of one read', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(i)}`);
    await writeFile(file, lines.join('\n') + '\n');
    const skip = Buffer.byteLength(lines.slice(0, 10).join('\n') + '\n');
    const t = new LineTailer(file, { fromOffset: skip, maxBytesPerRead: 500, chunkSize: 64 });
    const got: string[] = [];
    let reads = 0;
    for (;;) {
      const r = await t.read();
      reads++;
      got.push(...r.lines);
      if (!r.more) break;
    }
    expect(got).toEqual(lines.slice(10));
    expect(reads).toBeGreaterThan(5);
  });

  it('serializes concurrent reads so no line is delivered twice', async () => {
    await writeFile(file, Array.from({ length: 50 }, (_, i) => `l${i}`).join('\n') + '\n');
    const t = new LineTailer(file, { chunkSize: 7 });
    const results = await Promise.all([t.read(), t.read(), t.read()]);
    expect(results.flatMap((r) => r.lines)).toHaveLength(50);
  });

  it('returns nothing after close, and close is idempotent', async () => {
    await writeFile(file, 'a\n');
    const t = new LineTailer(file);
    await t.close();
    await t.close();
    expect((await t.read()).lines).toEqual([]);
  });

  it('reads back exactly the lines a child process appends in random byte chunks', async () => {
    const src = join(dir, 'src.jsonl');
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ i, text: `héllo ${'€😀'.repeat(i % 7)}` }));
    await writeFile(src, lines.join('\n') + '\n');
    const t = new LineTailer(file, { chunkSize: 100 });
    const got: string[] = [];
    let done = false;
    const writer = replayInChunks(src, file, { seed: 7, maxChunk: 97, maxDelayMs: 3 }).then(() => (done = true));
    while (!done) {
      got.push(...(await t.read()).lines);
      await new Promise((r) => setTimeout(r, 2));
    }
    await writer;
    got.push(...(await t.read({ flush: true })).lines);
    expect(got).toEqual(lines);
  });

  it('property: any chunking of any text yields the text split on newlines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }),
        async (parts, cuts) => {
          const text = parts.join('\n');
          const bytes = Buffer.from(text);
          await writeFile(file, '');
          const t = new LineTailer(file, { chunkSize: 4 });
          const got: string[] = [];
          let pos = 0;
          for (let i = 0; pos < bytes.length; i++) {
            const n = cuts[i % cuts.length]!;
            await appendFile(file, bytes.subarray(pos, pos + n));
            pos += n;
            got.push(...(await t.read()).lines);
          }
          got.push(...(await t.read({ flush: true })).lines);
          const expected = text === '' ? [] : text.split('\n');
          if (text.endsWith('\n')) expected.pop();
          // The tailer drops one trailing '\r' per line (CRLF files).
          expect(got).toEqual(expected.map((l) => l.replace(/\r$/, '')));
        },
      ),
      { numRuns: 60 },
    );
  });
});

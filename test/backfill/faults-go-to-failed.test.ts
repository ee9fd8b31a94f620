import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBackfill, type HistoricalLogAdapter } from '../../src/index.js';
import { JsonlTestAdapter, messages, sessionFile } from './helpers/jsonl-adapter.js';
import { readIndex, readLog, readState, sessionFiles, threeSessionHistory } from './helpers/fs.js';

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let logs: string;

beforeEach(async () => {
  ({ dir, src, logs, cleanup } = await threeSessionHistory(4));
});
afterEach(() => cleanup());

describe('runBackfill: one bad file does not stop the run', () => {
  it('a session whose events fail half-way is reported, leaves nothing behind, and is retried next run', async () => {
    await writeFile(join(src, 's2.jsonl'), sessionFile('s2', [...messages(3, 's2'), 'THROW', ...messages(1, 'late')]));
    const result = await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);

    expect(result.imported).toBe(2);
    expect(result.failed).toEqual([{ key: 'alpha:s2', error: expect.stringContaining('broken record') }]);
    expect(await sessionFiles(logs)).toEqual(['s1.jsonl', 's3.jsonl']); // no s2 log, no temp file
    expect((await readIndex(logs)).map((e) => e.wrapper_session_id).sort()).toEqual(['s1', 's3']);
    expect((await readState(logs)).imported_session_keys.sort()).toEqual(['alpha:s1', 'alpha:s3']);

    // still broken: tried again, still failed
    const again = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [again])).toMatchObject({ imported: 0, skipped: 2, failed: [{ key: 'alpha:s2' }] });
    expect(new Set(again.opened)).toEqual(new Set([join(src, 's2.jsonl')]));

    // fixed: imported
    await writeFile(join(src, 's2.jsonl'), sessionFile('s2', messages(4, 's2')));
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toEqual({ imported: 1, skipped: 2, failed: [], skippedFiles: [] });
    expect((await readLog(join(logs, 'sessions', 's2.jsonl'))).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a re-import that fails keeps the previous log byte for byte', async () => {
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    const before = await readFile(join(logs, 'sessions', 's2.jsonl'), 'utf8');
    const beforeIno = (await stat(join(logs, 'sessions', 's2.jsonl'))).ino;
    await appendFile(join(src, 's2.jsonl'), JSON.stringify({ type: 'user_message', role: 'user', content: 'new' }) + '\nTHROW\n');

    const result = await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    expect(result).toMatchObject({ imported: 0, skipped: 2, failed: [{ key: 'alpha:s2' }] });
    expect(await readFile(join(logs, 'sessions', 's2.jsonl'), 'utf8')).toBe(before);
    expect((await stat(join(logs, 'sessions', 's2.jsonl'))).ino).toBe(beforeIno);
    expect(await sessionFiles(logs)).toEqual(['s1.jsonl', 's2.jsonl', 's3.jsonl']);
  });

  it('an adapter that throws on one file is restarted past it; the file is retried next run', async () => {
    await writeFile(join(src, 's2.jsonl'), sessionFile(null, [], { throw: true }));
    const result = await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    expect(result.imported).toBe(2);
    expect(result.failed).toEqual([{ key: `alpha:${join(src, 's2.jsonl')}`, error: expect.stringContaining('cannot read') }]);
    expect(await sessionFiles(logs)).toEqual(['s1.jsonl', 's3.jsonl']);

    const again = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [again])).toMatchObject({ imported: 0, skipped: 2, failed: [{ key: `alpha:${join(src, 's2.jsonl')}` }] });
    expect(again.opened).toEqual([join(src, 's2.jsonl')]);
  });

  it('an adapter that fails before naming any file is reported and the other adapters still run', async () => {
    const broken: HistoricalLogAdapter = {
      provider: 'broken',
      // biome-ignore lint/correctness/useYield: an adapter whose listing fails before its first session
      async *backfill() {
        throw new Error('history folder unreadable');
      },
    };
    const result = await runBackfill(logs, null, [broken, new JsonlTestAdapter('alpha', src)]);
    expect(result).toEqual({ imported: 3, skipped: 0, failed: [{ key: 'broken:*', error: 'history folder unreadable' }], skippedFiles: [] });
  });

  it('refuses a session id that is not a safe file name and writes nothing for it', async () => {
    await writeFile(join(src, 'evil.jsonl'), sessionFile('../../evil', messages(1)));
    const result = await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    expect(result.imported).toBe(3);
    expect(result.failed).toEqual([{ key: 'alpha:../../evil', error: expect.stringContaining('unsafe session id') }]);
    expect(await sessionFiles(logs)).toEqual(['s1.jsonl', 's2.jsonl', 's3.jsonl']);
    await expect(stat(join(dir, 'evil.jsonl'))).rejects.toThrow();
  });

  it('removes temp logs left by a crashed run', async () => {
    await mkdir(join(logs, 'sessions'), { recursive: true });
    await writeFile(join(logs, 'sessions', 's1.jsonl.999-1.backfill.tmp'), '{"seq":1');
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    expect(await sessionFiles(logs)).toEqual(['s1.jsonl', 's2.jsonl', 's3.jsonl']);
  });

  it('moves a corrupt state file aside and rebuilds the logs in place without duplicates', async () => {
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    await writeFile(join(logs, 'backfill_state.json'), '{"version":1,"imported');
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toMatchObject({ imported: 3, failed: [], skippedFiles: [] });
    expect((await readLog(join(logs, 'sessions', 's1.jsonl'))).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readIndex(logs)).toHaveLength(3);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(logs)).some((n) => n.startsWith('backfill_state.json.corrupt-'))).toBe(true);
  });
});

import { appendFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBackfill, type BackfilledSession, type HistoricalBackfillOptions, type HistoricalLogAdapter } from '../../src/index.js';
import { JsonlTestAdapter, messages, sessionFile } from './helpers/jsonl-adapter.js';
import { readIndex, readLog, readState, sessionFiles, threeSessionHistory } from './helpers/fs.js';

let cleanup: () => Promise<void>;
let src: string;
let logs: string;

beforeEach(async () => {
  ({ src, logs, cleanup } = await threeSessionHistory(4));
});
afterEach(() => cleanup());

describe('runBackfill: incremental and idempotent', () => {
  it('a second run imports nothing and opens no source file', async () => {
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toMatchObject({ imported: 3 });
    const before = await Promise.all(['s1', 's2', 's3'].map((id) => stat(join(logs, 'sessions', `${id}.jsonl`))));
    const indexBefore = await readIndex(logs);

    const again = new JsonlTestAdapter('alpha', src);
    let listings = 0;
    const counted: HistoricalLogAdapter = {
      provider: 'alpha',
      backfill: (root?: string | null, o?: HistoricalBackfillOptions) => {
        listings++;
        return again.backfill(root, o);
      },
    };
    expect(await runBackfill(logs, null, [counted])).toEqual({ imported: 0, skipped: 3, failed: [], skippedFiles: [] });
    expect(again.opened).toEqual([]);
    expect(listings).toBe(1); // the scan found nothing changed, so there was no import pass

    const after = await Promise.all(['s1', 's2', 's3'].map((id) => stat(join(logs, 'sessions', `${id}.jsonl`))));
    expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
    expect(await readIndex(logs)).toEqual(indexBefore);
  });

  it('a new session file is imported alone', async () => {
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    await writeFile(join(src, 's4.jsonl'), sessionFile('s4', messages(2, 's4')));

    const adapter = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [adapter])).toEqual({ imported: 1, skipped: 3, failed: [], skippedFiles: [] });
    expect(new Set(adapter.opened)).toEqual(new Set([join(src, 's4.jsonl')]));
    expect(await sessionFiles(logs)).toEqual(['s1.jsonl', 's2.jsonl', 's3.jsonl', 's4.jsonl']);
    expect((await readIndex(logs)).map((e) => e.wrapper_session_id).sort()).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('a grown session file is re-imported into a rebuilt log without duplicate events', async () => {
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    const oldLog = await stat(join(logs, 'sessions', 's2.jsonl'));
    await appendFile(join(src, 's2.jsonl'), messages(6, 's2').slice(4).map((e) => JSON.stringify(e)).join('\n') + '\n');

    const adapter = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [adapter])).toEqual({ imported: 1, skipped: 2, failed: [], skippedFiles: [] });
    expect(new Set(adapter.opened)).toEqual(new Set([join(src, 's2.jsonl')]));

    const log = await readLog(join(logs, 'sessions', 's2.jsonl'));
    expect(log.map((e) => e['content'] ?? e.type)).toEqual([
      'session_started', 's2-0', 's2-1', 's2-2', 's2-3', 's2-4', 's2-5', 'session_ended',
    ]);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // renamed over the old log, not appended to it
    expect((await stat(join(logs, 'sessions', 's2.jsonl'))).ino).not.toBe(oldLog.ino);
    const index = await readIndex(logs);
    expect(index.filter((e) => e.wrapper_session_id === 's2')).toHaveLength(1);
    // The index says what the rewritten log says (its session_started time), so a rebuild agrees.
    expect(index.find((e) => e.wrapper_session_id === 's2')!.started_at).toBe(log[0]!.ts);
    expect(await sessionFiles(logs)).toEqual(['s1.jsonl', 's2.jsonl', 's3.jsonl']);

    // and the grown file is now recorded: a third run parses nothing
    const third = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [third])).toMatchObject({ imported: 0, skipped: 3 });
    expect(third.opened).toEqual([]);
  });

  it('a new sub-agent file of a known session re-imports that session', async () => {
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    await writeFile(join(src, 's1.sub.jsonl'), JSON.stringify({ type: 'assistant_message', content: 'from sub' }) + '\n');
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toMatchObject({ imported: 1, skipped: 2 });
    const log = await readLog(join(logs, 'sessions', 's1.jsonl'));
    expect(log.filter((e) => e['content'] === 'from sub')).toHaveLength(1);
    expect(Object.keys((await readState(logs)).sources!['alpha:s1']!)).toHaveLength(2);
  });

  it('a file that holds no session is parsed once, then skipped while unchanged', async () => {
    await writeFile(join(src, 'nosession.jsonl'), sessionFile(null, messages(2)));
    const first = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [first])).toMatchObject({ imported: 3, failed: [], skippedFiles: [] });
    expect(first.opened).toContain(join(src, 'nosession.jsonl'));
    const second = new JsonlTestAdapter('alpha', src);
    await runBackfill(logs, null, [second]);
    expect(second.opened).toEqual([]);
  });

  it('skips an unchanged session without reading its events even when the adapter ignores filter', async () => {
    const inner = new JsonlTestAdapter('alpha', src);
    const noFilter: HistoricalLogAdapter = {
      provider: 'alpha',
      backfill: (root?: string | null, o: HistoricalBackfillOptions = {}): AsyncIterable<BackfilledSession> =>
        inner.backfill(root, { signal: o.signal }),
    };
    await runBackfill(logs, null, [noFilter]);
    inner.opened.length = 0;
    inner.eventReads.length = 0;
    expect(await runBackfill(logs, null, [noFilter])).toEqual({ imported: 0, skipped: 3, failed: [], skippedFiles: [] });
    // only the header of each file was read to name the session, never the events
    expect(inner.opened.length).toBeGreaterThan(0);
    expect(inner.eventReads).toEqual([]);
  });
});

import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBackfill } from '../../src/index.js';
import { JsonlTestAdapter } from './helpers/jsonl-adapter.js';
import { readLog, readState, sessionFiles, threeSessionHistory } from './helpers/fs.js';

let cleanup: () => Promise<void>;
let src: string;
let logs: string;

beforeEach(async () => {
  ({ src, logs, cleanup } = await threeSessionHistory(2, { createLogs: true }));
});
afterEach(() => cleanup());

describe('runBackfill: a state file written by zag', () => {
  it('does not import again what zag imported, imports the rest, and keeps zag able to read the state', async () => {
    // exactly what zag's save_backfill_state writes (serde to_string_pretty), with one key of a future zag
    await writeFile(
      join(logs, 'backfill_state.json'),
      '{\n  "version": 1,\n  "imported_session_keys": [\n    "alpha:s1",\n    "alpha:s2"\n  ],\n  "zag_extra": 7\n}',
    );
    const first = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [first])).toEqual({ imported: 1, skipped: 2, failed: [], skippedFiles: [] });
    expect(await sessionFiles(logs)).toEqual(['s3.jsonl']);
    expect(first.eventReads).toEqual([join(src, 's3.jsonl')]);

    const state = await readState(logs);
    expect(state.version).toBe(1);
    expect(state.imported_session_keys).toEqual(['alpha:s1', 'alpha:s2', 'alpha:s3']);
    expect(state['zag_extra']).toBe(7);
    expect(Object.keys(state.sources ?? {}).sort()).toEqual(['alpha:s1', 'alpha:s2', 'alpha:s3']);

    // zag's sessions are now fingerprinted: nothing is parsed any more
    const second = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [second])).toEqual({ imported: 0, skipped: 3, failed: [], skippedFiles: [] });
    expect(second.opened).toEqual([]);

    // and when one of them grows after zag imported it, it is imported (rebuilt) by us
    await appendFile(join(src, 's1.jsonl'), JSON.stringify({ type: 'user_message', role: 'user', content: 'later' }) + '\n');
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toEqual({ imported: 1, skipped: 2, failed: [], skippedFiles: [] });
    expect((await readLog(join(logs, 'sessions', 's1.jsonl'))).map((e) => e['content'] ?? e.type)).toEqual([
      'session_started', 's1-0', 's1-1', 'later', 'session_ended',
    ]);
  });

  it('a zag state of version 1 with no keys (zag found nothing) still lets new sessions in', async () => {
    await writeFile(join(logs, 'backfill_state.json'), '{\n  "version": 1,\n  "imported_session_keys": []\n}');
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toEqual({ imported: 3, skipped: 0, failed: [], skippedFiles: [] });
  });
});

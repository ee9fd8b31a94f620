import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBackfill } from '../../src/index.js';
import { JsonlTestAdapter, messages, sessionFile } from './helpers/jsonl-adapter.js';
import { readIndex, sessionFiles, tempDir } from './helpers/fs.js';

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let logs: string;

const liveLine = (id: string, providerSessionId: string | null) =>
  JSON.stringify({
    seq: 1,
    ts: '2026-11-28T19:00:00.000Z',
    provider: 'alpha',
    wrapper_session_id: id,
    provider_session_id: providerSessionId,
    source_kind: 'wrapper',
    completeness: 'full',
    type: 'session_started',
    command: 'run',
    model: null,
    cwd: '/w',
    resumed: false,
    backfilled: false,
  }) + '\n';

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  src = join(dir, 'home', 'alpha');
  logs = join(dir, 'logs');
  await mkdir(src, { recursive: true });
  await mkdir(join(logs, 'sessions'), { recursive: true });
  for (const id of ['s1', 's2', 's3']) await writeFile(join(src, `${id}.jsonl`), sessionFile(id, messages(2, id)));
});
afterEach(() => cleanup());

describe('runBackfill: sessions recorded live', () => {
  it('skips a provider session that a live entry (same provider_session_id) already recorded', async () => {
    const liveLog = join(logs, 'sessions', 'wrap-1.jsonl');
    await writeFile(liveLog, liveLine('wrap-1', 's2'));
    const liveEntry = {
      wrapper_session_id: 'wrap-1',
      provider: 'alpha',
      provider_session_id: 's2',
      log_path: liveLog,
      completeness: 'full',
      started_at: '2026-11-28T19:00:00.000Z',
      ended_at: null,
      workspace_path: '/w',
      command: 'run',
      source_paths: [],
      backfilled: false,
    };
    await writeFile(join(logs, 'index.json'), JSON.stringify({ sessions: [liveEntry] }, null, 2));

    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toEqual({ imported: 2, skipped: 1, failed: [], skippedFiles: [] });
    expect(await sessionFiles(logs)).toEqual(['s1.jsonl', 's3.jsonl', 'wrap-1.jsonl']);
    expect(await readFile(liveLog, 'utf8')).toBe(liveLine('wrap-1', 's2'));
    const index = await readIndex(logs);
    expect(index.find((e) => e.wrapper_session_id === 'wrap-1')).toEqual(liveEntry);
    expect(index.map((e) => e.wrapper_session_id).sort()).toEqual(['s1', 's3', 'wrap-1']);

    // and it is remembered: the next run does not even parse it
    const again = new JsonlTestAdapter('alpha', src);
    expect(await runBackfill(logs, null, [again])).toEqual({ imported: 0, skipped: 3, failed: [], skippedFiles: [] });
    expect(again.opened).toEqual([]);
  });

  it('a provider session of another provider with the same id is not confused with it', async () => {
    await writeFile(
      join(logs, 'index.json'),
      JSON.stringify({
        sessions: [
          {
            wrapper_session_id: 'w', provider: 'beta', provider_session_id: 's1', log_path: join(logs, 'sessions', 'w.jsonl'),
            completeness: 'full', started_at: '2026-11-28T19:00:00Z', ended_at: null, workspace_path: null, command: 'run',
            source_paths: [], backfilled: false,
          },
        ],
      }),
    );
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toMatchObject({ imported: 3, skipped: 0 });
  });

  it('never replaces a live log that has the backfill file name, even when the index does not list it', async () => {
    const liveLog = join(logs, 'sessions', 's3.jsonl');
    await writeFile(liveLog, liveLine('s3', null) + '{"seq":2');
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toEqual({ imported: 2, skipped: 1, failed: [], skippedFiles: [] });
    expect(await readFile(liveLog, 'utf8')).toBe(liveLine('s3', null) + '{"seq":2');
    expect((await readIndex(logs)).map((e) => e.wrapper_session_id).sort()).toEqual(['s1', 's2']);
  });

  it('does rebuild a log of that name that a backfill wrote, when the state was lost', async () => {
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    const { rm } = await import('node:fs/promises');
    await rm(join(logs, 'backfill_state.json'));
    await rm(join(logs, 'index.json'));
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toEqual({ imported: 3, skipped: 0, failed: [], skippedFiles: [] });
    expect(await readIndex(logs)).toHaveLength(3);
  });
});

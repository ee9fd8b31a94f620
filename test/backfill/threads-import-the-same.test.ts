/**
 * `runBackfill(…, { threads })` parses and writes sessions in worker threads.
 * Worker threads need the built `.js` files, so this test runs the built
 * package (dist/, rebuilt when stale) and checks that threads change nothing
 * but speed: the same logs, index entries, state and skipped files as one thread,
 * and an abort still leaves the state matching the logs.
 */
import { cp, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from '../helpers/dist.js';
import { readIndex, readState, tempDir } from './helpers/fs.js';
import { outcome } from './helpers/outcome.js';

type Lib = typeof import('../../src/index.js');

const DEMO = join(__dirname, '../fixtures/claude/projects/-home-user-demo');
const WITH_SUBAGENT = '2190bd69-f000-410d-94eb-16fa78cd919f';
const SESSIONS = 90;
const idOf = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/**
 * A session whose sub-agent "file" is a folder: that file is never opened but
 * skipped and listed in `skippedFiles` (issue 13), and the session is imported
 * from its other files. Whichever thread lists it, the report must be the same.
 */
let withFolder = '';
let folder = '';
let lib: Lib;
let dir: string;
let cleanup: () => Promise<void>;
let home: string;

beforeAll(async () => {
  const dist = await ensureDist();
  lib = (await import(pathToFileURL(join(dist, 'index.js')).href)) as Lib;
  ({ dir, cleanup } = await tempDir('asl-backfill-threads-'));
  home = join(dir, 'home');
  const project = join(home, '.claude', 'projects', '-home-user-demo');
  await mkdir(project, { recursive: true });
  const files = (await readdir(DEMO)).filter((f) => f.endsWith('.jsonl')).sort();
  for (let i = 0; i < SESSIONS; i++) {
    const source = files[i % files.length]!;
    await cp(join(DEMO, source), join(project, `${idOf(i)}.jsonl`));
    // Every session of the fixture with a sub-agent keeps it (a merge of two files).
    if (source.startsWith(WITH_SUBAGENT)) {
      await cp(join(DEMO, WITH_SUBAGENT), join(project, idOf(i)), { recursive: true });
      if (!withFolder) {
        withFolder = idOf(i);
        folder = join(project, withFolder, 'subagents', 'agent-0000000000000000b.jsonl');
        await mkdir(folder, { recursive: true });
      }
    }
  }
}, 120_000);
afterAll(() => cleanup());

describe('runBackfill with import threads', () => {
  it('writes exactly what one thread writes, skipped files included', async () => {
    const runs: unknown[] = [];
    for (const threads of [0, 1, 2]) {
      const logs = join(dir, `logs-${threads}`);
      // In the calling thread, so that the import threads are the only difference.
      const result = await lib.runBackfill(logs, null, [new lib.ClaudeHistoricalLogAdapter({ home })], { threads, inWorker: false });
      expect(result.imported).toBe(SESSIONS);
      expect(result.failed).toEqual([]);
      expect(result.skippedFiles).toEqual([{ path: folder, reason: expect.stringMatching(/folder/) }]);
      runs.push(await outcome(logs, result));
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it('an abort in the middle leaves the state matching the logs, and a resumed run imports the rest', async () => {
    const logs = join(dir, 'logs-abort');
    const controller = new AbortController();
    let seen = 0;
    const inner = new lib.ClaudeHistoricalLogAdapter({ home });
    const aborting = {
      provider: inner.provider,
      async *backfill(root?: string | null, options?: Parameters<typeof inner.backfill>[1]) {
        for await (const s of inner.backfill(root, options)) {
          if (++seen === 40) controller.abort();
          yield s;
        }
      },
    };
    const err = await lib.runBackfill(logs, null, [aborting], { threads: 2, signal: controller.signal }).catch((e: unknown) => e);
    expect(lib.isSessionLogError(err, 'ERR_ABORTED')).toBe(true);
    const onDisk = (await readdir(join(logs, 'sessions'))).sort();
    expect(onDisk.every((n) => n.endsWith('.jsonl'))).toBe(true); // no temp file left
    const keys = (await readState(logs)).imported_session_keys.map((k) => `${k.slice('claude:'.length)}.jsonl`).sort();
    expect(keys).toEqual(onDisk);
    expect((await readIndex(logs)).map((e) => `${e.wrapper_session_id}.jsonl`).sort()).toEqual(onDisk);
    expect(onDisk.length).toBeLessThan(SESSIONS);

    const resumed = await lib.runBackfill(logs, null, [new lib.ClaudeHistoricalLogAdapter({ home })], { threads: 2 });
    expect(resumed).toMatchObject({ imported: SESSIONS - onDisk.length, skipped: onDisk.length, failed: [] });
    // Listed again by every run: the folder may have become a file meanwhile.
    expect(resumed.skippedFiles).toEqual([{ path: folder, reason: expect.stringMatching(/folder/) }]);
  });
});

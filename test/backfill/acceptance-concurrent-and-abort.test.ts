/**
 * Issue 6 acceptance, continued: two runs in two real processes at once, and
 * an abort in the middle followed by a resumed run, over the fake home of all
 * four providers' fixtures.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultHistoricalAdapters,
  isSessionLogError,
  runBackfill,
  type BackfillResult,
  type BackfilledSession,
  type HistoricalBackfillOptions,
  type HistoricalLogAdapter,
} from '../../src/index.js';
import { buildFakeHome } from './helpers/fake-home.js';
import { checkBackfilledLog, expectedSessionKeys } from './helpers/expected.js';
import { readIndex, readState, sessionFiles, tempDir } from './helpers/fs.js';
import { transpileForChild } from '../helpers/transpile.js';

let child: { root: string; remove: () => Promise<void> };
beforeAll(async () => {
  child = await transpileForChild(['test/backfill/helpers/child-run.ts']);
});
afterAll(() => child.remove());

let dir: string;
let cleanup: () => Promise<void>;
let home: string;
let logs: string;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('asl-backfill-accept-'));
  home = await buildFakeHome(join(dir, 'home'));
  logs = join(dir, 'logs');
});
afterEach(() => cleanup());

function startChild(): { proc: ChildProcessWithoutNullStreams; ready: Promise<void>; result: Promise<BackfillResult> } {
  const proc = spawn(process.execPath, [join(child.root, 'test/backfill/helpers/child-run.js'), logs, home]);
  let out = '';
  let err = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const result = new Promise<BackfillResult>((resolve, reject) =>
    proc.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.slice('ready\n'.length)) as BackfillResult) : reject(new Error(`child exited ${code}: ${err}`)),
    ),
  );
  return { proc, ready, result };
}

/** Every logged session is there once, each log valid, and state, index and logs agree. */
async function expectConsistent(): Promise<string[]> {
  const files = await sessionFiles(logs);
  expect(files.every((f) => f.endsWith('.jsonl'))).toBe(true);
  const index = await readIndex(logs);
  expect(index.map((e) => `${e.wrapper_session_id}.jsonl`).sort()).toEqual(files);
  for (const e of index) await checkBackfilledLog(e.log_path);
  const keys = index.map((e) => `${e.provider}:${e.provider_session_id}`).sort();
  expect((await readState(logs)).imported_session_keys.sort()).toEqual(keys);
  return keys;
}

describe('issue 6 acceptance: concurrency and abort', () => {
  it('two concurrent runs in two processes import each session once', async () => {
    const expected = await expectedSessionKeys(home);
    const a = startChild();
    const b = startChild();
    await Promise.all([a.ready, b.ready]);
    a.proc.stdin.write('go\n');
    b.proc.stdin.write('go\n');
    const results = await Promise.all([a.result, b.result]);

    expect(results.map((r) => r.failed)).toEqual([[], []]);
    expect(results[0]!.imported + results[1]!.imported).toBe(expected.length);
    expect(results.map((r) => r.imported).sort((x, y) => x - y)).toEqual([0, expected.length]);
    expect(await expectConsistent()).toEqual(expected);
  });

  it('an abort in the middle leaves state, index and logs in agreement, and a resumed run finishes the import', async () => {
    const expected = await expectedSessionKeys(home);
    const controller = new AbortController();
    let yielded = 0;
    const aborting = defaultHistoricalAdapters({ home }).map(
      (inner): HistoricalLogAdapter => ({
        provider: inner.provider,
        async *backfill(root?: string | null, o?: HistoricalBackfillOptions): AsyncIterable<BackfilledSession> {
          for await (const s of inner.backfill(root, o)) {
            // the 7th session is aborted while its events are being read
            if (++yielded === 7) {
              const events = s.events as AsyncIterable<[never, never]>;
              yield {
                ...s,
                events: (async function* () {
                  let n = 0;
                  for await (const e of events) {
                    if (++n === 3) controller.abort();
                    yield e;
                  }
                })(),
              };
            } else yield s;
          }
        },
      }),
    );
    const err = await runBackfill(logs, null, aborting, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_ABORTED')).toBe(true);
    const before = await expectConsistent();
    expect(before).toHaveLength(6);

    const resumed = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect(resumed.failed).toEqual([]);
    expect(resumed.imported).toBe(expected.length - 6);
    expect(await expectConsistent()).toEqual(expected);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isSessionLogError,
  runBackfill,
  type BackfilledSession,
  type HistoricalBackfillOptions,
  type HistoricalLogAdapter,
  type LogEventInput,
  type LogSourceKind,
} from '../../src/index.js';
import { JsonlTestAdapter, messages, sessionFile } from './helpers/jsonl-adapter.js';
import { readIndex, readLog, readState, sessionFiles, tempDir } from './helpers/fs.js';

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let logs: string;
const N = 30;
const ids = Array.from({ length: N }, (_, i) => `s${String(i).padStart(2, '0')}`);

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  src = join(dir, 'home', 'alpha');
  logs = join(dir, 'logs');
  await mkdir(src, { recursive: true });
  for (const id of ids) await writeFile(join(src, `${id}.jsonl`), sessionFile(id, messages(50, id)));
});
afterEach(() => cleanup());

/** Wraps an adapter and aborts `controller` when the given session's events are half read. */
function abortingAt(inner: HistoricalLogAdapter, sessionId: string, controller: AbortController): HistoricalLogAdapter {
  return {
    provider: inner.provider,
    async *backfill(root?: string | null, options?: HistoricalBackfillOptions): AsyncIterable<BackfilledSession> {
      for await (const s of inner.backfill(root, options)) {
        if (s.metadata.wrapperSessionId !== sessionId) {
          yield s;
          continue;
        }
        const events = s.events as AsyncIterable<[LogSourceKind, LogEventInput]>;
        yield {
          ...s,
          events: (async function* () {
            let n = 0;
            for await (const e of events) {
              if (++n === 25) controller.abort(new Error('user pressed ctrl-c'));
              yield e;
            }
          })(),
        };
      }
    },
  };
}

async function expectStateMatchesDisk(): Promise<string[]> {
  const files = await sessionFiles(logs);
  expect(files.every((f) => f.endsWith('.jsonl'))).toBe(true); // no temp file left
  const onDisk = files.map((f) => f.replace(/\.jsonl$/, ''));
  const state = await readState(logs);
  expect(state.imported_session_keys.map((k) => k.replace(/^alpha:/, '')).sort()).toEqual(onDisk);
  expect((await readIndex(logs)).map((e) => e.wrapper_session_id).sort()).toEqual(onDisk);
  return onDisk;
}

describe('runBackfill: abort', () => {
  it('stops in the middle with the state matching the logs, and a resumed run imports the rest once', async () => {
    const controller = new AbortController();
    const err = await runBackfill(logs, null, [abortingAt(new JsonlTestAdapter('alpha', src), 's12', controller)], {
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_ABORTED')).toBe(true);

    const done = await expectStateMatchesDisk();
    expect(done).toEqual(ids.slice(0, 12)); // s12 was being written: not there, not half there

    const resumed = await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    expect(resumed).toEqual({ imported: N - 12, skipped: 12, failed: [], skippedFiles: [] });
    expect(await expectStateMatchesDisk()).toEqual(ids);
    for (const id of ids) {
      const log = await readLog(join(logs, 'sessions', `${id}.jsonl`));
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));
    }
  });

  it('an already aborted signal does nothing at all', async () => {
    const err = await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)], { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_ABORTED')).toBe(true);
    expect(await sessionFiles(logs)).toEqual([]);
  });

  it('an abort while waiting for another run\'s lock returns promptly and releases nothing it does not own', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: HistoricalLogAdapter = {
      provider: 'slow',
      // biome-ignore lint/correctness/useYield: an adapter that finds nothing and waits, until aborted
      async *backfill(_root, options) {
        await options?.filter?.({ provider: 'slow', sourcePaths: [join(dir, 'slow.jsonl')] });
        await gate;
      },
    };
    const first = runBackfill(logs, null, [slow]);
    await new Promise((r) => setTimeout(r, 200));
    const controller = new AbortController();
    const second = runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)], { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 100);
    expect(isSessionLogError(await second, 'ERR_ABORTED')).toBe(true);
    release();
    await first;
    expect(await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)])).toMatchObject({ imported: N });
  });
});

/**
 * By default runBackfill runs the import in a worker thread (its heap bounded,
 * the caller's event loop free) whenever every adapter is one of this
 * package's. Worker threads need the built `.js` files, so this test runs the
 * built package (dist/, rebuilt when stale). It checks that the thread changes
 * nothing a caller can see: the same logs, index, state and failures as the
 * calling thread, progress reported to the caller, errors with their codes,
 * aborts through the caller's signal, one import per session across
 * processes; and that other adapters, and hosts without threads, still import.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from '../helpers/dist.js';
import { buildFakeHome } from './helpers/fake-home.js';
import { readIndex, readState, tempDir } from './helpers/fs.js';
import { JsonlTestAdapter, messages, sessionFile } from './helpers/jsonl-adapter.js';
import { outcome } from './helpers/outcome.js';

type Lib = typeof import('../../src/index.js');
type Progress = Parameters<NonNullable<NonNullable<Parameters<Lib['runBackfill']>[3]>['onProgress']>>[0];

const DEMO = join(__dirname, '../fixtures/claude/projects/-home-user-demo');
/** Enough sessions that an abort sent when the import phase starts lands before its end. */
const MANY = 1500;
const idOf = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

let lib: Lib;
let distIndex: string;
let dir: string;
let cleanup: () => Promise<void>;
let home: string;
let manyHome: string;

beforeAll(async () => {
  const dist = await ensureDist();
  distIndex = pathToFileURL(join(dist, 'index.js')).href;
  lib = (await import(distIndex)) as Lib;
  ({ dir, cleanup } = await tempDir('asl-backfill-worker-'));
  home = join(dir, 'home');
  await buildFakeHome(home);
  manyHome = join(dir, 'many');
  const project = join(manyHome, '.claude', 'projects', '-home-user-demo');
  await mkdir(project, { recursive: true });
  const files = (await readdir(DEMO)).filter((f) => f.endsWith('.jsonl')).sort();
  for (let i = 0; i < MANY; i++) await cp(join(DEMO, files[i % files.length]!), join(project, `${idOf(i)}.jsonl`));
}, 120_000);
afterAll(() => cleanup());

describe('runBackfill in its worker thread', () => {
  it('writes exactly what the calling thread writes, for all four providers, and reports progress to the caller', async () => {
    const here = join(dir, 'here');
    const inThread = await lib.runBackfill(here, null, lib.defaultHistoricalAdapters({ home }), { inWorker: false, threads: 0 });
    const there = join(dir, 'there');
    const seen: Progress[] = [];
    const inWorker = await lib.runBackfill(there, null, lib.defaultHistoricalAdapters({ home }), { onProgress: (p) => seen.push(p) });
    expect(inWorker.imported).toBeGreaterThan(0);
    expect(await outcome(there, inWorker)).toEqual(await outcome(here, inThread));

    const phases = seen.map((p) => p.phase);
    expect(phases[0]).toBe('scanning');
    expect(phases).toContain('importing');
    expect(phases.at(-1)).toBe('done');
    const last = seen.at(-1)!;
    expect(last.sessions).toBe(inWorker.imported + inWorker.skipped + inWorker.failed.length);
    expect(last.filesDone).toBe(last.filesTotal);
  });

  it('a second run in the thread imports nothing, as in the calling thread', async () => {
    const logs = join(dir, 'again');
    const first = await lib.runBackfill(logs, null, lib.defaultHistoricalAdapters({ home }));
    const second = await lib.runBackfill(logs, null, lib.defaultHistoricalAdapters({ home }));
    expect(second).toEqual({ imported: 0, skipped: first.imported + first.skipped, failed: [], skippedFiles: [] });
  });

  it("an abort from the caller's signal stops the thread's run; the state matches the logs and a new run imports the rest", async () => {
    const logs = join(dir, 'abort');
    const controller = new AbortController();
    const onProgress = (p: Progress): void => {
      if (p.phase === 'importing') controller.abort(new Error('enough'));
    };
    const adapters = [new lib.ClaudeHistoricalLogAdapter({ home: manyHome })];
    const err = await lib.runBackfill(logs, null, adapters, { signal: controller.signal, onProgress }).catch((e: unknown) => e);
    expect(lib.isSessionLogError(err, 'ERR_ABORTED')).toBe(true);
    expect((err as Error).cause).toEqual(new Error('enough'));

    const onDisk = (await readdir(join(logs, 'sessions'))).sort();
    expect(onDisk.every((n) => n.endsWith('.jsonl'))).toBe(true); // no temp file left
    expect(onDisk.length).toBeLessThan(MANY);
    const keys = (await readState(logs).catch(() => ({ imported_session_keys: [] as string[] }))).imported_session_keys;
    expect(keys.map((k) => `${k.slice('claude:'.length)}.jsonl`).sort()).toEqual(onDisk);
    expect((await readIndex(logs).catch(() => [])).map((e) => `${e.wrapper_session_id}.jsonl`).sort()).toEqual(onDisk);

    const resumed = await lib.runBackfill(logs, null, adapters);
    expect(resumed).toEqual({ imported: MANY - onDisk.length, skipped: onDisk.length, failed: [], skippedFiles: [] });
  });

  /** Imports `manyHome` into `logs` in a child process started with `-e` (and `flags`), as a script would. */
  async function importInChild(logs: string, flags: string[] = []): Promise<Awaited<ReturnType<Lib['runBackfill']>>> {
    const script = `
      const lib = await import(${JSON.stringify(distIndex)});
      const r = await lib.runBackfill(process.argv[1], null, [new lib.ClaudeHistoricalLogAdapter({ home: process.argv[2] })]);
      process.stdout.write(JSON.stringify(r));`;
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, '--input-type=module', '-e', script, logs, manyHome]);
    return JSON.parse(stdout) as Awaited<ReturnType<Lib['runBackfill']>>;
  }

  it('two processes importing into one logs folder at once import each session once, each in its import thread', async () => {
    const logs = join(dir, 'two-processes');
    const results = await Promise.all([importInChild(logs), importInChild(logs)]);
    expect(results.map((r) => r.imported + r.skipped)).toEqual([MANY, MANY]);
    expect(results[0]!.imported + results[1]!.imported).toBe(MANY);
    expect(results.flatMap((r) => r.failed)).toEqual([]);
    expect((await readdir(join(logs, 'sessions'))).length).toBe(MANY);
    expect(new Set((await readIndex(logs)).map((e) => e.wrapper_session_id)).size).toBe(MANY);
  });

  it('where threads cannot start (the permission model without --allow-worker), the import runs in the calling thread', async () => {
    const logs = join(dir, 'no-threads');
    const flags = ['--experimental-permission', '--allow-fs-read=*', '--allow-fs-write=*', '--no-warnings'];
    expect(await importInChild(logs, flags)).toEqual({ imported: MANY, skipped: 0, failed: [], skippedFiles: [] });
    expect((await readdir(join(logs, 'sessions'))).length).toBe(MANY);
  });

  it('errors reach the caller with their codes', async () => {
    const file = join(dir, 'not-a-directory');
    await writeFile(file, 'x');
    const adapters = [new lib.ClaudeHistoricalLogAdapter({ home })];
    const inWorker = await lib.runBackfill(join(file, 'logs'), null, adapters).catch((e: unknown) => e);
    const inThread = await lib.runBackfill(join(file, 'logs'), null, adapters, { inWorker: false }).catch((e: unknown) => e);
    expect(inWorker).toBeInstanceOf(Error);
    expect((inWorker as Error).message).toBe((inThread as Error).message);
    expect((inWorker as { code?: string }).code).toBe((inThread as { code?: string }).code);
    expect((inWorker as { code?: string }).code).toBeTypeOf('string');

    for (const threads of [-1, 1.5, Number.NaN]) {
      await expect(lib.runBackfill(join(dir, 'bad-option'), null, adapters, { threads })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    }
  });

  it('an adapter of its own (not one of the package) runs in the calling thread, beside built-in ones', async () => {
    const source = join(dir, 'own-adapter');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'a.jsonl'), sessionFile('own-a', messages(3)));
    const logs = join(dir, 'mixed');
    const result = await lib.runBackfill(logs, null, [new JsonlTestAdapter('own', source), new lib.ClaudeHistoricalLogAdapter({ home })]);
    expect(result.failed).toEqual([]);
    const names = await readdir(join(logs, 'sessions'));
    expect(names).toContain('own-a.jsonl');
    expect(names.length).toBe(result.imported);
  });
});

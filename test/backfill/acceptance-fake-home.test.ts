/**
 * Issue 6 acceptance, over a fake home holding the copied fixtures of all four
 * providers and the real provider adapters (`defaultHistoricalAdapters`).
 */
import { appendFile, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defaultHistoricalAdapters,
  runBackfill,
  type BackfilledSession,
  type HistoricalBackfillOptions,
  type HistoricalLogAdapter,
} from '../../src/index.js';
import { buildFakeHome } from './helpers/fake-home.js';
import { checkBackfilledLog, comparable, expectedSessionKeys } from './helpers/expected.js';
import { readIndex, readLog, readState, sessionFiles, tempDir } from './helpers/fs.js';

/** Every file the code under test opens through node:fs/promises (open, readFile) or node:fs (openSync, readFileSync). */
const fsSpy = vi.hoisted(() => ({ opened: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = ((path: Parameters<typeof real.open>[0], ...rest: unknown[]) => {
    fsSpy.opened.push(String(path));
    return (real.open as (...a: unknown[]) => ReturnType<typeof real.open>)(path, ...rest);
  }) as typeof real.open;
  const readFile = ((path: Parameters<typeof real.readFile>[0], ...rest: unknown[]) => {
    fsSpy.opened.push(String(path));
    return (real.readFile as (...a: unknown[]) => ReturnType<typeof real.readFile>)(path, ...rest);
  }) as typeof real.readFile;
  return { ...real, open, readFile, default: { ...real, open, readFile } };
});
// History files are also read with synchronous reads of bounded chunks: those opens count too.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const openSync = ((path: Parameters<typeof real.openSync>[0], ...rest: unknown[]) => {
    fsSpy.opened.push(String(path));
    return (real.openSync as (...a: unknown[]) => number)(path, ...rest);
  }) as typeof real.openSync;
  const readFileSync = ((path: Parameters<typeof real.readFileSync>[0], ...rest: unknown[]) => {
    if (typeof path !== 'number') fsSpy.opened.push(String(path));
    return (real.readFileSync as (...a: unknown[]) => ReturnType<typeof real.readFileSync>)(path, ...rest);
  }) as typeof real.readFileSync;
  return { ...real, openSync, readFileSync, default: { ...real, openSync, readFileSync } };
});

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

/** The adapters, each wrapped to count the candidates it offers and the sessions it yields. */
function watched(): { adapters: HistoricalLogAdapter[]; candidates: string[][]; yielded: string[] } {
  const candidates: string[][] = [];
  const yielded: string[] = [];
  const adapters = defaultHistoricalAdapters({ home }).map(
    (inner): HistoricalLogAdapter => ({
      provider: inner.provider,
      async *backfill(root?: string | null, o: HistoricalBackfillOptions = {}): AsyncIterable<BackfilledSession> {
        const filter = o.filter;
        for await (const s of inner.backfill(root, {
          signal: o.signal,
          filter:
            filter &&
            ((c) => {
              candidates.push(c.sourcePaths);
              return filter(c);
            }),
        })) {
          yielded.push(`${s.metadata.provider}:${s.metadata.wrapperSessionId}`);
          yield s;
        }
      },
    }),
  );
  return { adapters, candidates, yielded };
}

const keysOfIndex = async (): Promise<string[]> =>
  (await readIndex(logs)).map((e) => `${e.provider}:${e.provider_session_id ?? e.wrapper_session_id}`).sort();

describe('issue 6 acceptance over the four providers\' fixtures', () => {
  it('a first run imports every session into a valid log and a backfilled index entry', async () => {
    const expected = await expectedSessionKeys(home);
    expect(new Set(expected.map((k) => k.split(':')[0]))).toEqual(new Set(['claude', 'codex', 'gemini', 'copilot']));

    const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));

    expect(result).toEqual({ imported: expected.length, skipped: 0, failed: [], skippedFiles: [] });
    expect(await keysOfIndex()).toEqual(expected);
    expect((await readState(logs)).imported_session_keys.sort()).toEqual(expected);
    for (const entry of await readIndex(logs)) {
      expect(entry).toMatchObject({ backfilled: true, command: 'backfill', log_path: join(logs, 'sessions', `${entry.wrapper_session_id}.jsonl`) });
      expect(entry.ended_at).not.toBeNull();
      expect(entry.source_paths.length).toBeGreaterThan(0);
      const events = await checkBackfilledLog(entry.log_path);
      expect(events.length).toBeGreaterThan(2); // every fixture session has content
      expect(events.every((e) => e.provider === entry.provider && e.wrapper_session_id === entry.wrapper_session_id)).toBe(true);
    }
  });

  it('a second run imports nothing and parses nothing', async () => {
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    const sessionsBefore = await readIndex(logs);
    const sources = new Set(sessionsBefore.flatMap((e) => e.source_paths));
    const state = await readState(logs);

    fsSpy.opened.length = 0;
    const w = watched();
    const result = await runBackfill(logs, null, w.adapters);

    expect(result.imported).toBe(0);
    expect(result.failed).toEqual([]);
    expect(result.skipped).toBe(sessionsBefore.length);
    expect(w.candidates.length).toBeGreaterThanOrEqual(sessionsBefore.length); // every candidate was offered to the filter
    expect(w.yielded).toEqual([]); // the filter turned every candidate down: no adapter produced a session
    // No session file was opened, except old-layout Claude sub-agent files (agent-<id>.jsonl beside the
    // sessions), whose first lines the Claude adapter reads while listing, to learn which session they belong to.
    const openedSources = [...new Set(fsSpy.opened.filter((p) => sources.has(p)))].sort();
    const oldLayoutAgents = [...sources].filter((p) => /[/\\]projects[/\\][^/\\]+[/\\]agent-[^/\\]+\.jsonl$/.test(p)).sort();
    expect(oldLayoutAgents.length).toBeGreaterThan(0);
    expect(openedSources).toEqual(oldLayoutAgents); // (which also shows the spy sees the adapters' reads)
    expect(fsSpy.opened).toContain(join(logs, 'backfill_state.json'));
    // and nothing was written
    expect(await readState(logs)).toEqual(state);
  });

  it('adding a session file imports exactly that one', async () => {
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    const before = await keysOfIndex();
    const fixture = join(
      __dirname,
      '../fixtures/claude/real/print-list-files/.claude/projects/-tmp-realcli-claude-project/2b3a2e1f-067c-47a6-a71f-c51b444b3ebb.jsonl',
    );
    await mkdir(join(home, '.claude', 'projects', '-tmp-realcli-claude-project'), { recursive: true });
    await copyFile(fixture, join(home, '.claude', 'projects', '-tmp-realcli-claude-project', basename(fixture)));

    const w = watched();
    const result = await runBackfill(logs, null, w.adapters);
    expect(result).toMatchObject({ imported: 1, failed: [], skippedFiles: [] });
    expect(w.yielded).toEqual(['claude:2b3a2e1f-067c-47a6-a71f-c51b444b3ebb']);
    expect(await keysOfIndex()).toEqual([...before, 'claude:2b3a2e1f-067c-47a6-a71f-c51b444b3ebb'].sort());
    await checkBackfilledLog(join(logs, 'sessions', '2b3a2e1f-067c-47a6-a71f-c51b444b3ebb.jsonl'));
  });

  it('appending to a session file re-imports that session, with every event once', async () => {
    const id = '2190bd69-f000-410d-94eb-16fa78cd919f';
    const file = join(home, '.claude', 'projects', '-home-user-demo', `${id}.jsonl`);
    const full = await readFile(file, 'utf8');
    const lines = full.split('\n');
    const cut = Math.floor(lines.length / 2);
    await writeFile(file, lines.slice(0, cut).join('\n') + '\n');
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    const partial = await readLog(join(logs, 'sessions', `${id}.jsonl`));

    await appendFile(file, lines.slice(cut).join('\n'));
    const w = watched();
    const result = await runBackfill(logs, null, w.adapters);
    expect(result).toMatchObject({ imported: 1, failed: [], skippedFiles: [] });
    expect(w.yielded).toEqual([`claude:${id}`]);

    // The rebuilt log is exactly what a fresh import of the whole file gives: nothing twice, nothing lost.
    const rebuilt = await checkBackfilledLog(join(logs, 'sessions', `${id}.jsonl`));
    const fresh = join(dir, 'fresh-logs');
    await runBackfill(fresh, null, defaultHistoricalAdapters({ home }));
    expect(comparable(rebuilt)).toEqual(comparable(await readLog(join(fresh, 'sessions', `${id}.jsonl`))));
    expect(rebuilt.length).toBeGreaterThan(partial.length);
    expect((await readIndex(logs)).filter((e) => e.wrapper_session_id === id)).toHaveLength(1);
  });

  it('a session "file" that is a folder is skipped and listed in skippedFiles, the others are imported, and it is looked at again', async () => {
    const expected = await expectedSessionKeys(home);
    // A "session file" that is not a regular file (here a folder; FIFOs and devices alike): never opened.
    const bad = join(home, '.claude', 'projects', '-home-user-demo', '5bad5bad-0000-4000-8000-000000000000.jsonl');
    await mkdir(bad);
    // and a file of garbage: provider input is untrusted, so it is imported as parse warnings, not failed
    const garbage = join(home, '.codex', 'sessions', '2026', '11', '28', 'rollout-2026-11-28T21-00-00-0badc0de-0000-4000-8000-000000000000.jsonl');
    await writeFile(garbage, '\u0000\u0001 not json\n{"broken": \n');

    const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect(result.failed).toEqual([]);
    expect(result.skippedFiles).toEqual([{ path: bad, reason: expect.stringMatching(/folder/) }]);
    const imported = await keysOfIndex();
    expect(imported).toEqual(expect.arrayContaining(expected));
    expect(result.imported).toBe(imported.length);

    // still there next run: tried again
    const again = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect(again).toMatchObject({ imported: 0, failed: [], skippedFiles: [{ path: bad }] });
    // replaced by a readable session: imported
    await rm(bad, { recursive: true });
    await copyFile(join(home, '.claude', 'projects', '-home-user-demo', 'f3128607-2f3e-4296-a9be-a435a1fe3c79.jsonl'), bad);
    expect(await runBackfill(logs, null, defaultHistoricalAdapters({ home }))).toMatchObject({ imported: 1, failed: [], skippedFiles: [] });
  });

  it('a state file written by zag (version 1 only) is honoured', async () => {
    const expected = await expectedSessionKeys(home);
    const byZag = expected.filter((k) => k.startsWith('claude:') || k.startsWith('gemini:'));
    await mkdir(logs, { recursive: true });
    await writeFile(join(logs, 'backfill_state.json'), JSON.stringify({ version: 1, imported_session_keys: byZag }, null, 2));

    const w = watched();
    const result = await runBackfill(logs, null, w.adapters);
    const rest = expected.filter((k) => !byZag.includes(k));
    expect(result).toEqual({ imported: rest.length, skipped: expect.any(Number), failed: [], skippedFiles: [] });
    expect(await keysOfIndex()).toEqual(rest);
    expect((await sessionFiles(logs)).length).toBe(rest.length);
    const state = await readState(logs);
    expect(state.version).toBe(1);
    expect(state.imported_session_keys.sort()).toEqual(expected);

    // zag's sessions are fingerprinted now: the next run parses none of them either
    const w2 = watched();
    expect(await runBackfill(logs, null, w2.adapters)).toMatchObject({ imported: 0, failed: [], skippedFiles: [] });
    expect(w2.yielded).toEqual([]);
  });
});

import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayInChunks } from '../../helpers/replay.js';
import { FIXTURES } from './helpers.js';
import {
  backfillBodies,
  body,
  capture,
  dayFolder,
  rolloutName,
  tempDirSync,
  uuidV7,
  writeDecoy,
} from './live-support.js';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

function rollouts(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...rollouts(p));
    else if (/^rollout-.*\.jsonl$/.test(name)) out.push(p);
  }
  return out.sort();
}

function head(path: string): { id: string; cwd: string; createdMs: number } {
  const meta = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!).payload;
  const hex = (meta.id as string).replace(/-/g, '').slice(0, 12);
  return { id: meta.id, cwd: meta.cwd, createdMs: parseInt(hex, 16) };
}

const FILES = rollouts(FIXTURES).map((path) => ({ name: path.slice(FIXTURES.length), path, ...head(path) }));

describe.each(FILES)('Codex live capture of $name', ({ path, id, cwd, createdMs }) => {
  it('equals the backfill of the final file, appended in random chunks, with decoy rollouts around', async () => {
    const home = tempDirSync('codex-home-', cleanups);
    // The run "started" just before the fixture's thread was created (its UUIDv7 time).
    const startedAt = new Date(createdMs - 1000);
    // Same workspace but created an hour before the start: an earlier session.
    writeDecoy(home, startedAt, uuidV7(createdMs - 3600_000, 1), cwd);
    // Created after the start, but in another workspace.
    writeDecoy(home, startedAt, uuidV7(createdMs + 500, 2), '/somewhere/else');
    // Created after the start in this workspace, but a sub-agent of some other thread.
    writeDecoy(home, startedAt, uuidV7(createdMs + 600, 3), cwd, {
      subagent: { thread_spawn: { parent_thread_id: 'not-ours', depth: 1 } },
    });
    const dest = join(dayFolder(home, startedAt), basename(path));

    const { events, index, adapter } = await capture(
      home,
      { workspacePath: cwd, startedAt },
      async (a) => {
        // Before the file exists the adapter watches the date folders.
        expect(a.watchPaths()).toContain(dayFolder(home, startedAt));
        await replayInChunks(path, dest, { seed: createdMs % 100_000, maxChunk: 700, maxDelayMs: 4 });
      },
      cleanups,
    );

    expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
    const expected = await backfillBodies(home, id);
    expect(expected.length).toBeGreaterThan(0);
    expect(events.map(body)).toEqual(expected);
    expect(index.provider_session_id).toBe(id);
    expect(index.source_paths).toEqual([dest]);
    expect(adapter.watchPaths()[0]).toBe(dest);
  });
});

describe('Codex live capture: discovery, resume, truncation, sub-agents', () => {
  const fx = FILES.find((f) => f.id === '01a223bd-f5af-7b00-8b97-4cf42b09bbaf')!; // exec, then exec resume
  const lines = readFileSync(fx.path, 'utf8').split(/(?<=\n)/);
  // The resume starts with the thread_settings_applied just before the second task_started.
  const secondStart = lines.findIndex((l, i) => i > 2 && l.includes('"type":"task_started"'));
  const cut = secondStart - 1;
  const part1 = lines.slice(0, cut).join('');
  const part2 = lines.slice(cut).join('');

  it('finds the file by provider session id even when a newer rollout of the same workspace appears', async () => {
    const home = tempDirSync('codex-home-', cleanups);
    const startedAt = new Date(fx.createdMs - 1000);
    const dest = join(dayFolder(home, startedAt), basename(fx.path));
    const { events, index } = await capture(
      home,
      { providerSessionId: fx.id, startedAt },
      async () => {
        await replayInChunks(fx.path, dest, { seed: 3, maxChunk: 900, maxDelayMs: 3 });
        writeDecoy(home, startedAt, uuidV7(fx.createdMs + 60_000, 9), fx.cwd);
      },
      cleanups,
    );
    expect(events.map(body)).toEqual(await backfillBodies(home, fx.id));
    expect(index.provider_session_id).toBe(fx.id);
  });

  for (const by of ['session id', 'workspace'] as const) {
    it(`a run resuming an old thread (found by ${by}) logs only what it appends to the same file`, async () => {
      const home = tempDirSync('codex-home-', cleanups);
      const created = new Date(fx.createdMs);
      // Resumed by id, the thread may be weeks old, outside the date folders scanned for new files.
      const day = by === 'session id' ? new Date(Date.now() - 20 * 86_400_000) : new Date();
      const dest = join(dayFolder(home, day), rolloutName(created, fx.id));
      const src = tempDirSync('codex-parts-', cleanups);
      writeFileSync(join(src, 'part2'), part2);
      mkdirSync(dayFolder(home, day), { recursive: true });
      writeFileSync(dest, part1);
      utimesSync(dest, new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));
      const ctx = by === 'session id' ? { providerSessionId: fx.id } : { workspacePath: fx.cwd };
      const { events } = await capture(
        home,
        { ...ctx, startedAt: new Date() },
        () => replayInChunks(join(src, 'part2'), dest, { seed: 5, maxChunk: 500, maxDelayMs: 3 }),
        cleanups,
      );
      const whole = await backfillBodies(home, fx.id);
      const earlierHome = tempDirSync('codex-home-', cleanups);
      mkdirSync(dayFolder(earlierHome, new Date()), { recursive: true });
      writeFileSync(join(dayFolder(earlierHome, new Date()), basename(dest)), part1);
      const earlier = await backfillBodies(earlierHome, fx.id);
      expect(earlier.length).toBeGreaterThan(0);
      expect(whole.slice(0, earlier.length)).toEqual(earlier);
      expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
      expect(events.map(body)).toEqual(whole.slice(earlier.length));
      expect(events.map(body)).toContainEqual(expect.objectContaining({ type: 'user_message', content: 'Thanks, that is all.' }));
    });
  }

  it('a file truncated and rewritten while tailed loses nothing and repeats nothing', async () => {
    const home = tempDirSync('codex-home-', cleanups);
    const startedAt = new Date(fx.createdMs - 1000);
    const dest = join(dayFolder(home, startedAt), basename(fx.path));
    const src = tempDirSync('codex-parts-', cleanups);
    writeFileSync(join(src, 'part1'), part1);
    const { events } = await capture(
      home,
      { workspacePath: fx.cwd, startedAt },
      async () => {
        await replayInChunks(join(src, 'part1'), dest, { seed: 7, maxChunk: 800, maxDelayMs: 3 });
        await new Promise((r) => setTimeout(r, 80));
        writeFileSync(dest, '');
        await replayInChunks(fx.path, dest, { seed: 8, maxChunk: 800, maxDelayMs: 3 });
      },
      cleanups,
    );
    expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
    expect(events.map(body)).toEqual(await backfillBodies(home, fx.id));
  });

  it('tails the sub-agent rollouts of its thread too, with their events marked as sub-agent events', async () => {
    const home = tempDirSync('codex-home-', cleanups);
    const startedAt = new Date(fx.createdMs - 1000);
    const dest = join(dayFolder(home, startedAt), basename(fx.path));
    const childId = uuidV7(fx.createdMs + 1500, 77);
    let child = '';
    const { events, index } = await capture(
      home,
      { workspacePath: fx.cwd, startedAt },
      async () => {
        await replayInChunks(fx.path, dest, { seed: 9, maxChunk: 900, maxDelayMs: 2 });
        child = writeDecoy(home, startedAt, childId, fx.cwd, {
          subagent: { thread_spawn: { parent_thread_id: fx.id, depth: 1 } },
        });
        await new Promise((r) => setTimeout(r, 100));
      },
      cleanups,
    );
    const marked = (e: unknown) => JSON.stringify(e).includes(`subagent:${childId}`) || JSON.stringify(e).includes(`"subagent_id":"${childId}"`);
    const bodies = events.map(body);
    expect(bodies.filter((e) => !marked(e))).toEqual(await backfillBodies(home, fx.id));
    expect(bodies.filter(marked)).toEqual(await backfillBodies(home, childId));
    expect(bodies.filter(marked)).toContainEqual(expect.objectContaining({ type: 'user_message', content: `decoy ${childId}` }));
    expect(index.source_paths).toEqual([dest, child]);
  });
});

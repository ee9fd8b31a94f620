import { copyFile, mkdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { normalizeEventInput } from '../../../src/index.js';
import { createClaudeParser } from '../../../src/providers/index.js';
import { replayInChunks } from '../../helpers/replay.js';
import { FIXTURES } from './helpers.js';
import { backfillOf, bare, fakeHome, startLive, waitFor } from './live-helpers.js';

const DEMO = join(FIXTURES, 'projects', '-home-user-demo');
const OLD = 'acbcaeec-53a3-497b-b9ea-09bf1d282432';
const NEW = 'd9235f7e-704a-4ba2-b2c6-07d396a125ba';
const PRINT = '2190bd69-f000-410d-94eb-16fa78cd919f';

const provider = (seen: Array<{ type: string }>) =>
  seen.filter((e) => !['session_started', 'heartbeat', 'session_ended'].includes(e.type));

describe('Claude live capture across file switches', () => {
  for (const isWorktree of [false, true]) {
    it(`follows /clear into the new file and emits session_cleared (isWorktree: ${isWorktree})`, async () => {
      const home = await fakeHome();
      const dir = join(home, '.claude', 'projects', '-home-user-demo');
      const live = await startLive({ startedAt: new Date(), workspacePath: '/home/user/demo', home, isWorktree });
      await replayInChunks(join(DEMO, `${OLD}.jsonl`), join(dir, `${OLD}.jsonl`), { seed: 11, maxChunk: 2048, maxDelayMs: 3 });
      const before = (await backfillOf(home)).get(OLD)!;
      await waitFor(() => provider(live.seen).length >= before.length, 'the first file to be captured');
      await replayInChunks(join(DEMO, `${NEW}.jsonl`), join(dir, `${NEW}.jsonl`), { seed: 12, maxChunk: 2048, maxDelayMs: 3 });
      const events = await live.finish();
      const backfill = await backfillOf(home);
      expect(events).toEqual([
        ...backfill.get(OLD)!,
        bare(normalizeEventInput({ type: 'session_cleared', old_session_id: OLD, new_session_id: NEW })),
        ...backfill.get(NEW)!,
      ]);
      expect(live.coordinator.writer.providerSessionId).toBe(NEW);
    });
  }

  it('does not jump to a new file of another session in the same folder', async () => {
    const home = await fakeHome();
    const dir = join(home, '.claude', 'projects', '-home-user-demo');
    const live = await startLive({ startedAt: new Date(), workspacePath: '/home/user/demo', home });
    await replayInChunks(join(DEMO, `${OLD}.jsonl`), join(dir, `${OLD}.jsonl`), { seed: 5, maxChunk: 4096, maxDelayMs: 2 });
    const own = (await backfillOf(home)).get(OLD)!;
    await waitFor(() => provider(live.seen).length >= own.length, 'the first file to be captured');
    // A second `claude -p` in the same folder: a new file that does not start with /clear.
    await copyFile(join(DEMO, `${PRINT}.jsonl`), join(dir, `${PRINT}.jsonl`));
    await new Promise((r) => setTimeout(r, 100));
    expect(await live.finish()).toEqual(own);
  });

  it('restarts after truncation without duplicates or loss', async () => {
    const home = await fakeHome();
    const dir = join(home, '.claude', 'projects', '-home-user-demo');
    const source = join(DEMO, `${PRINT}.jsonl`);
    const bytes = await readFile(source);
    // First a prefix that ends in the middle of a line...
    const scratch = await mkdtemp(join(tmpdir(), 'claude-trunc-'));
    const prefix = join(scratch, 'prefix.jsonl');
    await writeFile(prefix, bytes.subarray(0, Math.floor(bytes.length * 0.6) + 7));
    const dest = join(dir, `${PRINT}.jsonl`);
    const live = await startLive({ startedAt: new Date(), workspacePath: '/home/user/demo', home });
    await replayInChunks(prefix, dest, { seed: 21, maxChunk: 4096, maxDelayMs: 2 });
    const parser = createClaudeParser();
    const complete = bytes.subarray(0, Math.floor(bytes.length * 0.6) + 7).toString('utf8').split('\n').slice(0, -1);
    const prefixEvents = complete.flatMap((l) => parser.push(l)).length;
    expect(prefixEvents).toBeGreaterThan(5);
    await waitFor(() => provider(live.seen).length >= prefixEvents, 'the prefix to be captured');
    // ...then the file is cut to nothing and written again from the start.
    await truncate(dest, 0);
    await waitFor(() => live.seen.some((e) => e.type === 'provider_status' && e.message.includes('shrank')), 'the reset');
    await replayInChunks(source, dest, { seed: 22, maxChunk: 4096, maxDelayMs: 2 });
    const events = await live.finish();
    const resets = events.filter((e) => e.type === 'provider_status' && String(e.message).includes('shrank'));
    expect(resets).toHaveLength(1);
    expect(events.filter((e) => !resets.includes(e))).toEqual((await backfillOf(home)).get(PRINT));
  });

  it('prefers the live registry (sessions/<pid>.json) over a newer file of the same workspace', async () => {
    const home = await fakeHome();
    const dir = join(home, '.claude', 'projects', '-home-user-demo');
    await mkdir(join(home, '.claude', 'sessions'), { recursive: true });
    const startedAt = new Date();
    await writeFile(
      join(home, '.claude', 'sessions', '4242.json'),
      JSON.stringify({ pid: 4242, sessionId: OLD, cwd: '/home/user/demo', startedAt: Date.now(), status: 'busy' }),
    );
    const live = await startLive({ startedAt, workspacePath: '/home/user/demo', home });
    // A file of the same workspace appears first: discovery by cwd alone would take it.
    await mkdir(dir, { recursive: true });
    await copyFile(join(DEMO, `${PRINT}.jsonl`), join(dir, `${PRINT}.jsonl`));
    await new Promise((r) => setTimeout(r, 60));
    await replayInChunks(join(DEMO, `${OLD}.jsonl`), join(dir, `${OLD}.jsonl`), { seed: 31, maxChunk: 4096, maxDelayMs: 2 });
    const events = await live.finish();
    expect(events).toEqual((await backfillOf(home)).get(OLD));
  });

  it('switches when the registry\'s sessionId changes, even to a file without a /clear marker', async () => {
    const home = await fakeHome();
    const dir = join(home, '.claude', 'projects', '-home-user-demo');
    const registry = join(home, '.claude', 'sessions', '77.json');
    await mkdir(join(home, '.claude', 'sessions'), { recursive: true });
    const entry = { pid: 77, sessionId: OLD, cwd: '/home/user/demo', startedAt: Date.now() };
    await writeFile(registry, JSON.stringify(entry));
    const live = await startLive({ startedAt: new Date(), workspacePath: '/home/user/demo', home });
    await replayInChunks(join(DEMO, `${OLD}.jsonl`), join(dir, `${OLD}.jsonl`), { seed: 51, maxChunk: 4096, maxDelayMs: 2 });
    const first = (await backfillOf(home)).get(OLD)!;
    await waitFor(() => provider(live.seen).length >= first.length, 'the first file to be captured');
    await writeFile(registry, JSON.stringify({ ...entry, sessionId: PRINT }));
    await replayInChunks(join(DEMO, `${PRINT}.jsonl`), join(dir, `${PRINT}.jsonl`), { seed: 52, maxChunk: 8192, maxDelayMs: 2 });
    const events = await live.finish();
    const backfill = await backfillOf(home);
    expect(events).toEqual([
      ...backfill.get(OLD)!,
      bare(normalizeEventInput({ type: 'session_cleared', old_session_id: OLD, new_session_id: PRINT })),
      ...backfill.get(PRINT)!,
    ]);
  });

  it('uses ctx.providerSessionId first, and on a resumed file emits only what this run appends', async () => {
    const home = await fakeHome();
    const dir = join(home, '.claude', 'projects', '-home-user-demo');
    const lines = (await readFile(join(DEMO, `${PRINT}.jsonl`), 'utf8')).split('\n').filter(Boolean);
    // The first `claude -p` run ends with its cost-state line (line 34 is the next run's start).
    const firstRun = lines.slice(0, 34);
    const dest = join(dir, `${PRINT}.jsonl`);
    await mkdir(dir, { recursive: true });
    await writeFile(dest, firstRun.map((l) => `${l}\n`).join(''));
    const past = new Date(Date.now() - 60_000);
    await utimes(dest, past, past);
    // A decoy that discovery by cwd would prefer.
    await copyFile(join(DEMO, `${OLD}.jsonl`), join(dir, `${OLD}.jsonl`));
    const live = await startLive({ startedAt: new Date(), workspacePath: '/home/user/demo', home, providerSessionId: PRINT });
    const rest = join(await mkdtemp(join(tmpdir(), 'claude-resume-')), 'rest.jsonl');
    await writeFile(rest, lines.slice(34).map((l) => `${l}\n`).join(''));
    await replayInChunks(rest, dest, { seed: 41, maxChunk: 4096, maxDelayMs: 2 });
    const events = await live.finish();
    // Expected: what one parser emits for the appended lines after having seen the first run.
    const p = createClaudeParser();
    for (const l of firstRun) p.push(l);
    p.end();
    const expected = lines
      .slice(34)
      .flatMap((l) => p.push(l))
      .concat(p.end())
      .map(([, e]) => bare(normalizeEventInput(e)));
    expect(expected.length).toBeGreaterThan(5);
    expect(events).toEqual(expected);
    // The first run's prompt was not emitted again.
    expect(events.some((e) => String(e.content).startsWith('List the files'))).toBe(false);
  });
});

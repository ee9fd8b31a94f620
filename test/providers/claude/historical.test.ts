import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSessionLogError, type BackfillCandidate } from '../../../src/index.js';
import { ClaudeHistoricalLogAdapter } from '../../../src/providers/index.js';
import { collect, fixtureHomes, FIXTURES } from './helpers.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const mod = await importOriginal<typeof fsp>();
  return { ...mod, open: vi.fn(mod.open) };
});
// History files are read with synchronous reads too (bounded chunks): both ways of opening count.
vi.mock('node:fs', async (importOriginal) => {
  const mod = await importOriginal<typeof fs>();
  return { ...mod, openSync: vi.fn(mod.openSync) };
});

const opened = (): string[] =>
  [...vi.mocked(fsp.open).mock.calls, ...vi.mocked(fs.openSync).mock.calls].map((c) => String(c[0]));

async function generatedHome(): Promise<string> {
  return (await fixtureHomes())[0]!.home;
}

afterEach(() => {
  vi.mocked(fsp.open).mockClear();
  vi.mocked(fs.openSync).mockClear();
  delete process.env.CLAUDE_CONFIG_DIR;
});

describe('ClaudeHistoricalLogAdapter', () => {
  it('asks the filter before opening a session file, and opens nothing of a rejected session', async () => {
    const home = await generatedHome();
    const asked: BackfillCandidate[] = [];
    const sessions = [];
    for await (const s of new ClaudeHistoricalLogAdapter({ home }).backfill(null, {
      filter: (c) => {
        asked.push(c);
        return false;
      },
    })) {
      sessions.push(s);
    }
    expect(sessions).toEqual([]);
    expect(asked.length).toBe(6);
    expect(asked.every((c) => c.provider === 'claude')).toBe(true);
    // Only the heads of the old-layout agent-*.jsonl files are read, to link them to their session.
    expect(opened().every((p) => /\/agent-[0-9a-f]{8}\.jsonl$/.test(p))).toBe(true);
  });

  it('opens only the accepted session\'s files', async () => {
    const home = await generatedHome();
    const wanted = '2190bd69-f000-410d-94eb-16fa78cd919f';
    const sessions = [];
    for await (const s of new ClaudeHistoricalLogAdapter({ home }).backfill(null, {
      filter: (c) => c.sourcePaths[0]!.includes(wanted),
    })) {
      sessions.push(s);
      await collect(s);
    }
    expect(sessions.map((s) => s.metadata.wrapperSessionId)).toEqual([wanted]);
    expect(sessions[0]!.sourcePaths).toHaveLength(2);
    const read = opened().filter((p) => !/\/agent-[0-9a-f]{8}\.jsonl$/.test(p));
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((p) => p.includes(wanted))).toBe(true);
  });

  it('restricts the import to sessions under root', async () => {
    const home = await generatedHome();
    const ids = [];
    for await (const s of new ClaudeHistoricalLogAdapter({ home }).backfill('/home/user/demo')) {
      expect(s.metadata.workspacePath).toBe('/home/user/demo');
      ids.push(s.metadata.wrapperSessionId);
    }
    expect(ids.sort()).toEqual([
      '2190bd69-f000-410d-94eb-16fa78cd919f',
      'acbcaeec-53a3-497b-b9ea-09bf1d282432',
      'd9235f7e-704a-4ba2-b2c6-07d396a125ba',
      'f3128607-2f3e-4296-a9be-a435a1fe3c79',
    ]);
    const none = [];
    for await (const s of new ClaudeHistoricalLogAdapter({ home }).backfill('/home/user/demo-other')) none.push(s);
    expect(none).toEqual([]);
  });

  it('stops with ERR_ABORTED when the signal aborts, while listing or while streaming events', async () => {
    const home = await generatedHome();
    const before = new AbortController();
    before.abort();
    await expect(async () => {
      for await (const _ of new ClaudeHistoricalLogAdapter({ home }).backfill(null, { signal: before.signal })) {
        // nothing
      }
    }).rejects.toSatisfy((e) => isSessionLogError(e, 'ERR_ABORTED'));

    const during = new AbortController();
    const it = new ClaudeHistoricalLogAdapter({ home }).backfill(null, { signal: during.signal });
    const first = await it.next();
    expect(first.done).toBe(false);
    during.abort();
    await expect(collect(first.value!)).rejects.toSatisfy((e) => isSessionLogError(e, 'ERR_ABORTED'));
  });

  it('reads $CLAUDE_CONFIG_DIR when no home is given, and yields nothing for a missing folder', async () => {
    process.env.CLAUDE_CONFIG_DIR = FIXTURES;
    const ids = [];
    for await (const s of new ClaudeHistoricalLogAdapter().backfill()) ids.push(s.metadata.wrapperSessionId);
    expect(ids).toHaveLength(6);
    process.env.CLAUDE_CONFIG_DIR = '/nonexistent/claude';
    const none = [];
    for await (const s of new ClaudeHistoricalLogAdapter().backfill()) none.push(s);
    expect(none).toEqual([]);
  });
});

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GeminiHistoricalLogAdapter } from '../../../src/providers/index.js';
import type { BackfilledSession, LogEventInput, LogSourceKind } from '../../../src/index.js';
import { assertMatchesSource } from './expect-source.js';
import { FIXTURES, fixtureFiles, scan } from './scan.js';

async function collect(session: BackfilledSession): Promise<Array<[LogSourceKind, LogEventInput]>> {
  const out: Array<[LogSourceKind, LogEventInput]> = [];
  for await (const e of session.events) out.push(e);
  return out;
}

async function all(adapter: GeminiHistoricalLogAdapter, root?: string): Promise<BackfilledSession[]> {
  const out: BackfilledSession[] = [];
  for await (const s of adapter.backfill(root)) out.push(s);
  return out;
}

/** The project root a project folder stands for, read the simple way: its marker file, else the registry by hash. */
function expectedWorkspace(chatPath: string): string | null {
  const projectDir = dirname(dirname(chatPath));
  const marker = join(projectDir, '.project_root');
  if (existsSync(marker)) return readFileSync(marker, 'utf8').trim();
  const registry = join(dirname(dirname(projectDir)), 'projects.json');
  const paths = existsSync(registry) ? Object.keys(JSON.parse(readFileSync(registry, 'utf8')).projects) : [];
  return paths.find((p) => createHash('sha256').update(p).digest('hex') === basename(projectDir)) ?? null;
}

const temps: string[] = [];
function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemini-hist-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('GeminiHistoricalLogAdapter', () => {
  const files = fixtureFiles();
  const homes = [...new Set(files.map((f) => f.home))];

  for (const home of homes) {
    it(`${home.slice(FIXTURES.length)}: one backfilled session per chat file, holding exactly what it holds`, async () => {
      const sessions = await all(new GeminiHistoricalLogAdapter({ home }));
      const mine = files.filter((f) => f.home === home);
      expect(sessions).toHaveLength(mine.length);
      for (const file of mine) {
        const want = scan(file.path);
        const s = sessions.find((x) => x.sourcePaths[0] === file.path);
        expect(s, file.name).toBeDefined();
        const firstModel = want.models[0] ?? null;
        expect(s!.metadata).toEqual({
          provider: 'gemini',
          wrapperSessionId: want.sessionId,
          command: 'backfill',
          providerSessionId: want.sessionId,
          workspacePath: expectedWorkspace(file.path),
          model: firstModel,
          resumed: false,
          backfilled: true,
        });
        expect(s!.completeness).toBe('full');
        const events = await collect(s!);
        expect(new Set(events.map(([k]) => k))).toEqual(new Set(['backfill']));
        assertMatchesSource(
          events.map(([, e]) => e),
          want,
        );
      }
    });
  }

  it('asks the filter before opening any file, and skips what it rejects', async () => {
    const home = tempHome();
    cpSync(join(FIXTURES, 'home'), home, { recursive: true });
    // A broken file: opening it would throw, so it must not be opened when the filter says no.
    const broken = join(home, '.gemini/tmp/demo/chats/session-2026-11-29T10-00-deadbeef.json');
    writeFileSync(broken, '{"sessionId": "dead');
    const asked: string[][] = [];
    const adapter = new GeminiHistoricalLogAdapter({ home });
    const got: BackfilledSession[] = [];
    for await (const s of adapter.backfill(null, {
      filter: (c) => {
        expect(c.provider).toBe('gemini');
        asked.push(c.sourcePaths);
        return !c.sourcePaths.includes(broken);
      },
    })) {
      got.push(s);
    }
    expect(asked).toHaveLength(3);
    expect(got).toHaveLength(2);
    // Without the filter, the broken legacy file fails (the runner records it and retries next time).
    await expect(all(adapter)).rejects.toMatchObject({ code: 'ERR_CORRUPT_LINE' });
  });

  it('stops with ERR_ABORTED when the signal is aborted', async () => {
    const ac = new AbortController();
    const adapter = new GeminiHistoricalLogAdapter({ home: join(FIXTURES, 'home') });
    const it = adapter.backfill(null, { signal: ac.signal })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    ac.abort();
    await expect(collect(first.value as BackfilledSession)).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await expect(it.next()).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('reads a migrated session once (its JSONL), and joins sub-agent files to their parent, marked', async () => {
    const home = tempHome();
    const chats = join(home, '.gemini/tmp/proj/chats');
    mkdirSync(join(chats, 'abcd1234-0000-4000-8000-000000000000'), { recursive: true });
    writeFileSync(join(home, '.gemini/tmp/proj/.project_root'), '/w/proj\n');
    const hdr = { sessionId: 'abcd1234-0000-4000-8000-000000000000', projectHash: 'h', startTime: '2026-01-01T00:00:00.000Z' };
    const msgs = [
      { id: 'u1', type: 'user', content: 'old prompt' },
      { id: 'g1', type: 'gemini', content: 'old answer', model: 'gemini-a', tokens: { input: 10, output: 2 } },
    ];
    writeFileSync(join(chats, 'session-2026-01-01T00-00-abcd1234.json'), JSON.stringify({ ...hdr, messages: msgs }, null, 2));
    // What the CLI writes when it resumes the JSON: header, every message again, then new turns.
    const jsonl = [hdr, ...msgs, { $set: { sessionId: hdr.sessionId } }, { id: 'u2', type: 'user', content: [{ text: 'new prompt' }] }];
    writeFileSync(join(chats, 'session-2026-01-01T00-00-abcd1234.jsonl'), jsonl.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const sub = [
      { sessionId: 'sub-1', projectHash: 'h', startTime: '2026-01-01T00:00:05.000Z', kind: 'subagent' },
      { id: 's1', type: 'user', content: [{ text: 'investigate' }] },
      { id: 's2', type: 'gemini', content: 'found it', model: 'gemini-b', tokens: { input: 5, output: 1 } },
    ];
    writeFileSync(join(chats, hdr.sessionId, 'sub-1.jsonl'), sub.map((l) => JSON.stringify(l)).join('\n') + '\n');

    const sessions = await all(new GeminiHistoricalLogAdapter({ home }));
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(s.sourcePaths.map((p) => p.slice(chats.length + 1))).toEqual([
      'session-2026-01-01T00-00-abcd1234.jsonl',
      'session-2026-01-01T00-00-abcd1234.json',
      `${hdr.sessionId}/sub-1.jsonl`,
    ]);
    expect(s.metadata).toMatchObject({ wrapperSessionId: hdr.sessionId, workspacePath: '/w/proj', model: 'gemini-a' });
    const events = (await collect(s)).map(([, e]) => e);
    const prompts = events.filter((e) => e.type === 'user_message');
    expect(prompts.map((p) => [p.content, p.message_id])).toEqual([
      ['old prompt', 'u1'],
      ['new prompt', 'u2'],
      ['investigate', 'subagent:sub-1:s1'],
    ]);
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(2);
  });

  it('with a root, keeps only the sessions of that workspace', async () => {
    const adapter = new GeminiHistoricalLogAdapter({ home: join(FIXTURES, 'home') });
    const demo = await all(adapter, '/home/user/demo');
    expect(demo.map((s) => s.metadata.workspacePath)).toEqual(['/home/user/demo']);
    expect(await all(adapter, '/elsewhere')).toEqual([]);
    // The legacy session's folder is the sha256 of its root, even with no registry entry.
    const legacy = await all(adapter, '/Users/user/repos/codemie-code');
    expect(legacy.map((s) => s.sourcePaths[0]!.endsWith('.json'))).toEqual([true]);
  });

  it('finds nothing, without failing, in a home that has no Gemini folder', async () => {
    expect(await all(new GeminiHistoricalLogAdapter({ home: tempHome() }))).toEqual([]);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSessionLogError, type BackfillCandidate, type LogEventInput } from '../../../src/index.js';
import { CopilotHistoricalLogAdapter, parseCopilotLegacySession } from '../../../src/providers/index.js';
import { fakeHome, fixtureFiles, scan, yamlCwd } from './support.js';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

function homeWithAllFixtures() {
  const h = fakeHome(fixtureFiles().map((f) => f.sessionDir));
  cleanups.push(h.cleanup);
  return h;
}

async function ids(adapter: CopilotHistoricalLogAdapter, root?: string, filter?: (c: BackfillCandidate) => boolean) {
  const out: string[] = [];
  for await (const s of adapter.backfill(root, filter ? { filter } : {})) out.push(s.metadata.wrapperSessionId);
  return out.sort();
}

describe('CopilotHistoricalLogAdapter', () => {
  const fixtures = fixtureFiles();
  const cwdOf = (f: (typeof fixtures)[number]) =>
    yamlCwd(f.sessionDir) ?? (scan(f.path).sessionStart?.context?.cwd as string | undefined);

  it('lists every session folder once, or only those whose cwd is inside the given root', async () => {
    const { home } = homeWithAllFixtures();
    const adapter = new CopilotHistoricalLogAdapter({ home });
    expect(await ids(adapter)).toEqual(fixtures.map((f) => f.id).sort());
    const root = cwdOf(fixtures[0]!)!;
    expect(await ids(adapter, root)).toEqual(fixtures.filter((f) => cwdOf(f) === root).map((f) => f.id).sort());
    expect(await ids(adapter, '/no/such/project')).toEqual([]);
  });

  it('asks the filter with the source paths before parsing, and skips what it rejects', async () => {
    const { home, stateRoot } = homeWithAllFixtures();
    const seen: string[][] = [];
    const kept = fixtures[1]!.id;
    const got = await ids(new CopilotHistoricalLogAdapter({ home }), undefined, (c) => {
      expect(c.provider).toBe('copilot');
      seen.push(c.sourcePaths);
      return c.sourcePaths[0] === join(stateRoot, kept, 'events.jsonl');
    });
    expect(got).toEqual([kept]);
    expect(seen).toHaveLength(fixtures.length);
  });

  it('stops with ERR_ABORTED when the signal is aborted', async () => {
    const { home } = homeWithAllFixtures();
    const ac = new AbortController();
    const iter = new CopilotHistoricalLogAdapter({ home }).backfill(undefined, { signal: ac.signal });
    const err = await (async () => {
      try {
        for await (const s of iter) {
          ac.abort();
          for await (const _ of s.events as AsyncIterable<unknown>) void _;
        }
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isSessionLogError(err, 'ERR_ABORTED')).toBe(true);
  });

  it('imports the legacy history-session-state format (no real sample exists; shape from PROVIDER_FORMATS.md)', async () => {
    const h = fakeHome();
    cleanups.push(h.cleanup);
    const dir = join(h.home, '.copilot', 'history-session-state');
    mkdirSync(dir, { recursive: true });
    const doc = {
      sessionId: 'legacy-1',
      startTime: '2025-06-01T10:00:00.000Z',
      chatMessages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'list files' },
        {
          role: 'assistant',
          content: 'Listing.',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'a.txt' },
        { role: 'assistant', content: [{ type: 'text', text: 'One file.' }] },
      ],
      timeline: [],
    };
    writeFileSync(join(dir, 'legacy-1.json'), JSON.stringify(doc));
    const sessions = [];
    for await (const s of new CopilotHistoricalLogAdapter({ home: h.home }).backfill()) sessions.push(s);
    expect(sessions.map((s) => s.metadata.wrapperSessionId)).toEqual(['legacy-1']);
    const events: LogEventInput[] = [];
    for await (const [, e] of sessions[0]!.events as AsyncIterable<[string, LogEventInput]>) events.push(e);
    expect(events.map((e) => e.type)).toEqual(['user_message', 'assistant_message', 'tool_call', 'tool_result', 'assistant_message']);
    expect(events[2]).toMatchObject({ tool_name: 'bash', tool_kind: 'shell', tool_id: 'c1', input: { command: 'ls' } });
    expect(events[3]).toMatchObject({ tool_name: 'bash', tool_id: 'c1', output: 'a.txt' });
    expect(parseCopilotLegacySession('{"sessionId":').events.map(([, e]) => e.type)).toEqual(['parse_warning']);
  });
});

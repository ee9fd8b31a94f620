import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionLogError, type BackfillCandidate } from '../../../src/index.js';
import { CodexHistoricalLogAdapter } from '../../../src/providers/index.js';
import { FIXTURES, GENERATED_CODEX, collect, parseWhole, tempHome } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function home(withCodex?: string) {
  const h = await tempHome(withCodex);
  cleanups.push(h.cleanup);
  return h;
}

const UNTITLED = '01a223be-433d-7520-9aad-aedc616fae8b';

describe('CodexHistoricalLogAdapter', () => {
  it('imports every rollout as one session keyed by its thread id, with cwd, model and the parser’s events', async () => {
    const h = await home(GENERATED_CODEX);
    const sessions = await collect(new CodexHistoricalLogAdapter({ home: h.home }).backfill());
    expect(sessions.map((s) => s.metadata.wrapperSessionId)).toEqual([
      '019e1625-789d-76c0-80ab-3724b5ddb799',
      '01a223bd-cb45-78c0-9692-0f6325dd276c',
      '01a223bd-f5af-7b00-8b97-4cf42b09bbaf',
      UNTITLED,
      '01a223c1-e440-72a1-aa40-08c296fdf7a3',
    ]);
    for (const s of sessions) {
      expect(basename(s.sourcePaths[0]!)).toContain(s.metadata.wrapperSessionId);
      expect(s.metadata).toMatchObject({
        provider: 'codex',
        command: 'backfill',
        providerSessionId: s.metadata.wrapperSessionId,
        backfilled: true,
        resumed: false,
      });
      expect(s.completeness).toBe('full');
      const events = await collect(s.events);
      expect(events.every(([kind]) => kind === 'backfill')).toBe(true);
      expect(events.map(([, e]) => e)).toEqual(await parseWhole(s.sourcePaths[0]!));
      // Re-iterable: reading the events twice gives the same thing.
      expect((await collect(s.events)).length).toBe(events.length);
    }
    expect(sessions[3]!.metadata).toMatchObject({ workspacePath: '/home/user/demo', model: 'gpt-5.4' });
    expect(sessions[0]!.metadata.workspacePath).toBe('/Users/Sample_User/repos/codemie-ai/codemie-code');
  });

  it('reads the real CLI runs laid out under a fake HOME', async () => {
    const run = join(FIXTURES, 'real', 'print-multi-tool');
    const [s] = await collect(new CodexHistoricalLogAdapter({ home: run }).backfill());
    expect(s!.metadata).toMatchObject({
      wrapperSessionId: '01a223dc-85b6-7540-a670-c5c680cf2c86',
      workspacePath: '/tmp/realcli/codex/project',
      model: 'gpt-5.5',
    });
  });

  it('asks the filter before opening a session, and only imports what it lets through', async () => {
    const h = await home(GENERATED_CODEX);
    const asked: BackfillCandidate[] = [];
    const adapter = new CodexHistoricalLogAdapter({ home: h.home });
    const sessions = await collect(
      adapter.backfill(null, {
        filter: (c) => {
          asked.push(c);
          return c.sourcePaths[0]!.includes(UNTITLED);
        },
      }),
    );
    expect(sessions.map((s) => s.metadata.wrapperSessionId)).toEqual([UNTITLED]);
    // 5 rollouts, then the legacy history.jsonl as one candidate.
    expect(asked.map((c) => basename(c.sourcePaths[0]!))).toHaveLength(6);
    expect(asked.at(-1)!.sourcePaths).toEqual([join(h.codex, 'history.jsonl')]);
  });

  it('limits to a root by session cwd', async () => {
    const h = await home(GENERATED_CODEX);
    const sessions = await collect(new CodexHistoricalLogAdapter({ home: h.home }).backfill('/home/user'));
    expect(sessions).toHaveLength(4);
    expect(sessions.every((s) => s.metadata.workspacePath === '/home/user/demo')).toBe(true);
  });

  it('imports archived sessions, once per thread', async () => {
    const h = await home(GENERATED_CODEX);
    await mkdir(join(h.codex, 'archived_sessions'));
    const src = join(h.codex, 'sessions/2026/11/28');
    const name = 'rollout-2026-11-28T20-03-59-01a223c1-e440-72a1-aa40-08c296fdf7a3.jsonl';
    await copyFile(join(src, name), join(h.codex, 'archived_sessions', name));
    const archivedOnly = 'rollout-2026-11-28T19-59-30-01a223bd-cb45-78c0-9692-0f6325dd276c.jsonl';
    await copyFile(join(src, archivedOnly), join(h.codex, 'archived_sessions', archivedOnly));
    const { rm } = await import('node:fs/promises');
    await rm(join(src, archivedOnly));
    const sessions = await collect(new CodexHistoricalLogAdapter({ home: h.home }).backfill());
    const ids = sessions.map((s) => s.metadata.wrapperSessionId);
    expect(new Set(ids).size).toBe(5);
    expect(sessions.find((s) => s.sourcePaths[0]!.includes(archivedOnly))!.sourcePaths[0]).toContain('archived_sessions');
    expect(sessions.find((s) => s.sourcePaths[0]!.includes(name))!.sourcePaths[0]).toContain('/sessions/');
  });

  it('falls back to history.jsonl and codex-tui.log only for threads without a rollout', async () => {
    const h = await home(GENERATED_CODEX);
    const old = 'legacy-thread-1';
    await writeFile(
      join(h.codex, 'history.jsonl'),
      [
        JSON.stringify({ session_id: UNTITLED, ts: 1795896009, text: 'has a rollout' }),
        JSON.stringify({ session_id: old, ts: 1700000000, text: 'first prompt' }),
        '{"session_id": "torn',
        JSON.stringify({ session_id: old, ts: 1700000100, text: 'second prompt' }),
      ].join('\n') + '\n',
    );
    await mkdir(join(h.codex, 'log'));
    await writeFile(
      join(h.codex, 'log', 'codex-tui.log'),
      [
        `2023-11-14T22:13:30.000Z  INFO session_loop{thread_id=${old}}: codex_core::codex: ToolCall: shell {"command":["ls"]}`,
        `2023-11-14T22:13:40.000Z  INFO session_loop{thread_id=other}: codex_core::codex: ToolCall: shell {"command":["pwd"]}`,
        `2023-11-14T22:15:00.000Z ERROR session_loop{thread_id=${old}}: codex_core::codex: You've hit your usage limit. Try again later.`,
      ].join('\n') + '\n',
    );
    const sessions = await collect(new CodexHistoricalLogAdapter({ home: h.home }).backfill());
    const legacy = sessions.filter((s) => s.completeness === 'partial');
    expect(legacy.map((s) => s.metadata.wrapperSessionId)).toEqual([old]);
    const events = (await collect(legacy[0]!.events)).map(([, e]) => e);
    expect(events.map((e) => e.type)).toEqual(['user_message', 'tool_call', 'user_message', 'usage_limit_hit']);
    expect(events[1]).toMatchObject({ tool_name: 'shell', tool_kind: 'shell', input: { command: ['ls'] } });
    expect(legacy[0]!.sourcePaths).toEqual([join(h.codex, 'history.jsonl'), join(h.codex, 'log', 'codex-tui.log')]);
  });

  it('stops with ERR_ABORTED when the signal is aborted', async () => {
    const h = await home(GENERATED_CODEX);
    const ac = new AbortController();
    const adapter = new CodexHistoricalLogAdapter({ home: h.home });
    const seen: string[] = [];
    const run = async () => {
      for await (const s of adapter.backfill(null, { signal: ac.signal })) {
        seen.push(s.metadata.wrapperSessionId);
        ac.abort();
      }
    };
    await expect(run()).rejects.toSatisfy((e) => e instanceof SessionLogError && e.code === 'ERR_ABORTED');
    expect(seen).toHaveLength(1);
  });

  it('finds nothing, without error, in a home with no Codex folder', async () => {
    const h = await home();
    expect(await collect(new CodexHistoricalLogAdapter({ home: h.home }).backfill())).toEqual([]);
  });
});

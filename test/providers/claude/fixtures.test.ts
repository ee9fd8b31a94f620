import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeEventInput, type BackfilledSession, type LogEventInput } from '../../../src/index.js';
import { ClaudeHistoricalLogAdapter, createClaudeParser } from '../../../src/providers/index.js';
import { actualFromEvents, collect, expectedFromFiles, fixtureHomes, FIXTURES, sessionFilesUnder } from './helpers.js';

interface Imported {
  home: string;
  session: BackfilledSession;
  events: LogEventInput[];
}

const imported: Imported[] = [];
let allFiles: string[] = [];

beforeAll(async () => {
  allFiles = await sessionFilesUnder(FIXTURES);
  for (const { home } of await fixtureHomes()) {
    for await (const session of new ClaudeHistoricalLogAdapter({ home }).backfill()) {
      imported.push({ home, session, events: (await collect(session)).map(([, e]) => e) });
    }
  }
});

const agentOf = (path: string): string | undefined => /(?:^|\/)agent-([^/]+)\.jsonl$/.exec(path)?.[1];
/** Fixture paths are compared by their place under test/fixtures/claude (the generated home is a symlink). */
const rel = (p: string): string => p.slice(p.lastIndexOf('/projects/'));

describe('Claude backfill of every fixture session file', () => {
  it('imports every session and sub-agent file exactly once', () => {
    const sourced = imported.flatMap((i) => i.session.sourcePaths.map((p) => `${i.home.includes('/real/') ? i.home : ''}${rel(p)}`));
    const expected = allFiles.map((p) => `${p.includes('/real/') ? p.slice(0, p.indexOf('/.claude/')) : ''}${rel(p)}`);
    expect(sourced.sort()).toEqual(expected.sort());
    expect(imported.length).toBeGreaterThanOrEqual(12);
  });

  it('has, per session, every prompt, text, reasoning block, tool call and paired tool result exactly once, and the de-duplicated token totals', () => {
    const seen = { prompts: 0, texts: 0, reasoning: 0, toolCalls: 0, toolResults: 0, failed: 0, output: 0 };
    for (const { session, events } of imported) {
      const files = session.sourcePaths.map((path) => ({ path, agentId: agentOf(path) }));
      const expected = expectedFromFiles(files);
      for (const k of ['prompts', 'texts', 'reasoning', 'toolCalls', 'toolResults'] as const) seen[k] += expected[k].length;
      seen.failed += expected.toolResults.filter((r) => r.endsWith('false]')).length;
      seen.output += expected.tokens.output;
      const actual = actualFromEvents(events);
      expect(actual, session.metadata.wrapperSessionId).toEqual(expected);
      // Every tool result pairs with exactly one tool call of the session.
      const callIds = events.filter((e) => e.type === 'tool_call').map((e) => e.tool_id);
      expect(new Set(callIds).size).toBe(callIds.length);
      for (const e of events) if (e.type === 'tool_result') expect(callIds).toContain(e.tool_id);
    }
    // The fixtures really exercise every category (a scan that finds nothing proves nothing).
    expect(seen.prompts).toBeGreaterThanOrEqual(15);
    expect(seen.texts).toBeGreaterThanOrEqual(30);
    expect(seen.reasoning).toBeGreaterThanOrEqual(10);
    expect(seen.toolCalls).toBeGreaterThanOrEqual(25);
    expect(seen.toolResults).toBe(seen.toolCalls);
    expect(seen.failed).toBeGreaterThanOrEqual(3);
    expect(seen.output).toBeGreaterThan(1000);
  });

  it('emits no parse_warning and no unknown-record-type status, and every event is valid for the writer', () => {
    for (const { events } of imported) {
      expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
      expect(events.filter((e) => e.type === 'provider_status' && e.message.startsWith('unknown'))).toEqual([]);
      for (const e of events) expect(() => normalizeEventInput(e)).not.toThrow();
    }
  });

  it('sets session id, workspace and model from the files', () => {
    for (const { session } of imported) {
      const main = session.sourcePaths[0]!;
      const lines = readFileSync(main, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
      const cwd = lines.find((r) => typeof r.cwd === 'string')?.cwd ?? null;
      const model =
        lines.find((r) => r.type === 'assistant' && r.message?.model && r.message.model !== '<synthetic>')?.message.model ?? null;
      expect(session.metadata).toMatchObject({
        provider: 'claude',
        wrapperSessionId: basename(main, '.jsonl'),
        providerSessionId: basename(main, '.jsonl'),
        command: 'backfill',
        workspacePath: cwd,
        backfilled: true,
      });
      if (!agentOf(main)) expect(session.metadata.model).toBe(model);
      expect(session.completeness).toBe('full');
    }
  });

  it('keeps each file\'s own order when merging sub-agent files into the session', () => {
    const merged = imported.filter((i) => i.session.sourcePaths.length > 1);
    expect(merged.length).toBeGreaterThanOrEqual(3);
    const key = (e: LogEventInput): string => JSON.stringify(e);
    for (const { session, events } of merged) {
      const union: string[] = [];
      for (const path of session.sourcePaths) {
        const alone = createClaudeParser({ source: 'backfill', subagentId: agentOf(path) });
        const own = readFileSync(path, 'utf8')
          .split('\n')
          .flatMap((l) => alone.push(l))
          .concat(alone.end())
          .map(([, e]) => key(e));
        union.push(...own);
        // The file's events appear in the session in the file's order (a subsequence).
        let at = 0;
        for (const e of events) if (at < own.length && key(e) === own[at]) at++;
        expect(at, path).toBe(own.length);
      }
      expect(events.map(key).sort()).toEqual(union.sort());
      // The sub-agent's events sit between the parent's Agent call and the session end, not all at the end.
      const firstSub = events.findIndex((e) => JSON.stringify(e).includes('subagent:'));
      const agentCall = events.findIndex((e) => e.type === 'tool_call' && e.tool_kind === 'sub_agent');
      if (dirname(session.sourcePaths[1]!).endsWith('subagents')) expect(firstSub).toBeGreaterThan(agentCall);
    }
  });
});

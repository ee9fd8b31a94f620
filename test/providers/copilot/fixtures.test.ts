import { afterAll, describe, expect, it } from 'vitest';
import { normalizeEventInput, type LogEventInput, type LogSourceKind } from '../../../src/index.js';
import { CopilotHistoricalLogAdapter } from '../../../src/providers/index.js';
import { fakeHome, fixtureFiles, scan, yamlCwd } from './support.js';

type Ev = [LogSourceKind, LogEventInput];
const of = <T extends LogEventInput['type']>(events: Ev[], type: T) =>
  events.map(([, e]) => e).filter((e): e is Extract<LogEventInput, { type: T }> => e.type === type);

async function backfillOne(sessionDir: string) {
  const h = fakeHome([sessionDir]);
  cleanups.push(h.cleanup);
  const adapter = new CopilotHistoricalLogAdapter({ home: h.home });
  const sessions = [];
  for await (const s of adapter.backfill()) sessions.push(s);
  expect(sessions).toHaveLength(1);
  const session = sessions[0]!;
  const events: Ev[] = [];
  for await (const e of session.events as AsyncIterable<Ev>) events.push(e);
  return { session, events };
}

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

describe.each(fixtureFiles())('Copilot fixture $name', ({ path, sessionDir, id }) => {
  const exp = scan(path);

  it('is one backfilled session with the id, cwd and model the files state', async () => {
    const { session } = await backfillOne(sessionDir);
    expect(session.metadata).toMatchObject({
      provider: 'copilot',
      wrapperSessionId: id,
      providerSessionId: id,
      command: 'backfill',
      backfilled: true,
      workspacePath: yamlCwd(sessionDir) ?? exp.sessionStart?.context?.cwd ?? null,
      model: exp.sessionStart?.selectedModel ?? null,
    });
    expect(session.sourcePaths[0]).toMatch(/events\.jsonl$/);
  });

  it('holds every prompt, assistant text and reasoning block exactly once, valid and warning-free', async () => {
    const { events } = await backfillOne(sessionDir);
    expect(new Set(events.map(([k]) => k))).toEqual(new Set(['backfill']));
    for (const [, e] of events) expect(() => normalizeEventInput(e)).not.toThrow();
    expect(of(events, 'parse_warning')).toEqual([]);
    expect(of(events, 'provider_status').filter((e) => /unknown record type/.test(e.message))).toEqual([]);
    expect(of(events, 'user_message').map((e) => e.content)).toEqual(exp.prompts);
    expect(of(events, 'assistant_message').map((e) => e.content)).toEqual(exp.texts);
    expect(of(events, 'reasoning').map((e) => e.content)).toEqual(exp.reasoning);
  });

  it('pairs each tool call with its result, once each, with success and the shell exit code', async () => {
    const { events } = await backfillOne(sessionDir);
    const calls = of(events, 'tool_call');
    const ids = calls.map((c) => c.tool_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Map(calls.map((c) => [c.tool_id, { name: c.tool_name, input: c.input }]))).toEqual(exp.calls);

    const results = of(events, 'tool_result');
    expect(results.map((r) => r.tool_id)).toEqual(exp.results.map((r) => r.id));
    results.forEach((r, i) => {
      const want = exp.results[i]!;
      expect(r.success).toBe(want.success);
      expect(r.output ?? undefined).toBe(want.output);
      expect((r.data as { exit_code?: number } | null)?.exit_code).toBe(want.exitCode);
      // Paired: the call came first and names the same tool.
      const callIndex = events.findIndex(([, e]) => e.type === 'tool_call' && e.tool_id === r.tool_id);
      const resultIndex = events.findIndex(([, e]) => e.type === 'tool_result' && e.tool_id === r.tool_id);
      expect(callIndex).toBeGreaterThanOrEqual(0);
      expect(callIndex).toBeLessThan(resultIndex);
      expect(r.tool_name).toBe(exp.calls.get(r.tool_id!)!.name);
    });
    // Calls that never completed (an in-progress turn) get no invented result.
    const completed = new Set(exp.results.map((r) => r.id));
    for (const c of calls) if (!completed.has(c.tool_id!)) expect(results.some((r) => r.tool_id === c.tool_id)).toBe(false);
  });

  it('counts tokens once: the per-call sum, equal to the last cumulative shutdown, never the sum of shutdowns', async () => {
    const { events } = await backfillOne(sessionDir);
    const usage = of(events, 'usage');
    const sum = (f: (u: (typeof usage)[number]) => number) => usage.reduce((a, u) => a + f(u), 0);
    const got = {
      input: sum((u) => u.input_tokens + (u.cache_read_tokens ?? 0)),
      output: sum((u) => u.output_tokens),
      cacheRead: sum((u) => u.cache_read_tokens ?? 0),
      cacheWrite: sum((u) => u.cache_creation_tokens ?? 0),
    };
    expect(got).toEqual(exp.usageSum);
    if (exp.lastShutdown) expect(got).toEqual(exp.lastShutdown);
  });

  it('reports each rate limit as one usage_limit_hit with its reset time', async () => {
    const { events } = await backfillOne(sessionDir);
    const hits = of(events, 'usage_limit_hit');
    expect(hits).toHaveLength(exp.rateLimits);
    expect(new Set(hits.map((h) => h.incident_id)).size).toBe(hits.length);
    const errors = exp.records.filter((r) => r.type === 'session.error');
    hits.forEach((h, i) => {
      const rec = errors[i] as { timestamp: string; data: { message: string } };
      const m = /in (\d+)h(\d+)m(\d+)s/.exec(rec.data.message);
      if (m) {
        const secs = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
        expect(h.reset_at).toBe(new Date(Date.parse(rec.timestamp) + secs * 1000).toISOString());
      }
    });
  });
});

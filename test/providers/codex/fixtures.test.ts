import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLines, type LogEventInput } from '../../../src/index.js';
import { createCodexParser } from '../../../src/providers/index.js';
import { scanRollout } from './source-scan.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/codex/', import.meta.url));

function rollouts(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...rollouts(p));
    else if (/^rollout-.*\.jsonl$/.test(name)) out.push(p);
  }
  return out.sort();
}

async function parseFile(path: string) {
  const parser = createCodexParser({ source: 'backfill' });
  const events: LogEventInput[] = [];
  for await (const { line } of readLines(path)) for (const [kind, e] of parser.push(line)) {
    expect(kind).toBe('backfill');
    events.push(e);
  }
  for (const [, e] of parser.end()) events.push(e);
  return { events, meta: parser.meta };
}

const of = <T extends LogEventInput['type']>(events: LogEventInput[], type: T) =>
  events.filter((e): e is Extract<LogEventInput, { type: T }> => e.type === type);

function counts(texts: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of texts) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

const files = rollouts(FIXTURES);

describe('Codex fixtures: normalized events match the source files', () => {
  it('covers every Codex session file that was copied from the shared fixtures', () => {
    expect(files.length).toBe(10);
  });

  for (const file of files) {
    describe(relative(FIXTURES, file), () => {
      it('emits every prompt, assistant text and reasoning summary exactly once, and 0 parse warnings', async () => {
        const src = scanRollout(file);
        const { events, meta } = await parseFile(file);
        expect(of(events, 'parse_warning')).toEqual([]);
        expect(events.filter((e) => e.type === 'provider_status' && /unknown record type/.test(e.message))).toEqual([]);
        expect(of(events, 'user_message').map((e) => e.content)).toEqual(src.prompts);
        expect(counts(of(events, 'assistant_message').map((e) => e.content))).toEqual(src.assistant);
        expect(counts(of(events, 'reasoning').map((e) => e.content))).toEqual(src.reasoning);
        expect(meta.sessionId).toBe(src.sessionId);
        expect(basename(file)).toContain(meta.sessionId!);
        expect(meta.cwd).toBe(src.cwd);
        expect(meta.model).toBe(src.model);
      });

      it('emits each tool call once (name, id, input) and exactly one paired result with the right success', async () => {
        const src = scanRollout(file);
        const { events } = await parseFile(file);
        const calls = of(events, 'tool_call');
        const nonWeb = calls.filter((c) => c.tool_name !== 'web_search');
        expect(nonWeb.map((c) => ({ id: c.tool_id, name: c.tool_name, input: c.input }))).toEqual(src.calls);
        const web = calls.filter((c) => c.tool_name === 'web_search');
        expect(web.map((c) => (c.input as { query?: string }).query)).toEqual(src.webQueries);
        const ids = calls.map((c) => c.tool_id);
        expect(new Set(ids).size).toBe(ids.length);
        const results = of(events, 'tool_result');
        expect(results.map((r) => r.tool_id).sort()).toEqual([...ids].sort());
        for (const r of results) {
          const callAt = events.findIndex((e) => e.type === 'tool_call' && e.tool_id === r.tool_id);
          expect(callAt).toBeGreaterThanOrEqual(0);
          expect(events.indexOf(r)).toBeGreaterThan(callAt);
          const call = calls.find((c) => c.tool_id === r.tool_id)!;
          expect(r.tool_name).toBe(call.tool_name);
          if (call.tool_name !== 'web_search') expect(r.success ?? null).toBe(src.success.get(r.tool_id!));
        }
      });

      it('token totals equal the de-duplicated sums, and usage limits are reported once per turn', async () => {
        const src = scanRollout(file);
        const { events } = await parseFile(file);
        const usage = of(events, 'usage');
        const sum = {
          input: usage.reduce((a, u) => a + u.input_tokens + (u.cache_read_tokens ?? 0), 0),
          cached: usage.reduce((a, u) => a + (u.cache_read_tokens ?? 0), 0),
          output: usage.reduce((a, u) => a + u.output_tokens, 0),
        };
        expect(sum).toEqual(src.finalTotals ?? { input: 0, cached: 0, output: 0 });
        if (src.recordSums) expect(sum).toEqual(src.recordSums);
        expect(of(events, 'usage_limit_hit')).toHaveLength(src.limitTurns);
      });
    });
  }
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEventInput, type LogEventInput } from '../../../src/index.js';
import { createCodexParser } from '../../../src/providers/index.js';

const FIXTURE_DIRS = ['generated/sessions/2026/11/28/', 'generated/sessions/2026/05/11/'];
const base = new URL('../../fixtures/codex/', import.meta.url);
const realLines: string[] = [];
for (const name of [
  'rollout-2026-11-28T19-59-41-01a223bd-f5af-7b00-8b97-4cf42b09bbaf.jsonl',
  'rollout-2026-11-28T20-00-01-01a223be-433d-7520-9aad-aedc616fae8b.jsonl',
  'rollout-2026-11-28T20-03-59-01a223c1-e440-72a1-aa40-08c296fdf7a3.jsonl',
]) {
  realLines.push(...readFileSync(fileURLToPath(new URL(FIXTURE_DIRS[0] + name, base)), 'utf8').split('\n').filter(Boolean));
}
const legacy = readFileSync(
  fileURLToPath(new URL(FIXTURE_DIRS[1] + 'rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl', base)),
  'utf8',
)
  .split('\n')
  .filter(Boolean)
  .slice(0, 120);
realLines.push(...legacy);

/** Independent definition of a broken line: not blank, and not a JSON object. */
function isBroken(line: string): boolean {
  if (line.trim() === '') return false;
  try {
    const v = JSON.parse(line);
    return typeof v !== 'object' || v === null || Array.isArray(v);
  } catch {
    return true;
  }
}

function run(lines: string[]): LogEventInput[] {
  const p = createCodexParser();
  const out: LogEventInput[] = [];
  for (const l of lines) for (const [, e] of p.push(l)) out.push(e);
  for (const [, e] of p.end()) out.push(e);
  return out;
}

function checkWarnings(lines: string[]): void {
  const events = run(lines);
  const warnings = events.filter((e) => e.type === 'parse_warning');
  const broken = lines.filter(isBroken);
  expect(warnings.map((w) => w.raw)).toEqual(broken.map((l) => l.slice(0, 16_384)));
  // Whatever the input, every event the parser produces is a valid wire event.
  for (const e of events) expect(() => normalizeEventInput(e)).not.toThrow();
}

const realLine = fc.constantFrom(...realLines);
/** A real line cut short: what a reader sees when it reads a half-written line as if it were complete. */
const truncated = fc
  .tuple(realLine, fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([l, f]) => l.slice(0, Math.floor((l.length - 1) * f)))
  .filter((l) => l.trim() !== '');
/** A real line with a few characters replaced. */
const mutated = fc
  .tuple(realLine, fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 4 }))
  .map(([l, edits]) => {
    let s = l;
    for (const [at, text] of edits) {
      const i = at % s.length;
      s = s.slice(0, i) + text + s.slice(i + 1);
    }
    return s;
  });

describe('Codex parser under fuzzing', () => {
  it('never throws and reports each broken line once, with its raw text (random text)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), realLine), { maxLength: 30 }), (lines) =>
        checkWarnings(lines.map((l) => l.replace(/\n/g, ' '))),
      ),
      { numRuns: 200 },
    );
  });

  it('reports each truncated real line as exactly one parse_warning among intact lines', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(realLine, truncated), { minLength: 1, maxLength: 40 }), (lines) => checkWarnings(lines)),
      { numRuns: 150 },
    );
  });

  it('survives mutated real lines (valid or not) without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(realLine, mutated), { minLength: 1, maxLength: 40 }), (lines) =>
        checkWarnings(lines.map((l) => l.replace(/\n/g, ' '))),
      ),
      { numRuns: 150 },
    );
  });

  it('never warns about well-formed records of any shape (handlers tolerate every field type)', () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const payload = fc.record(
      {
        type: fc.constantFrom(
          'message', 'reasoning', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output',
          'local_shell_call', 'web_search_call', 'user_message', 'agent_message', 'exec_command_end', 'patch_apply_end',
          'token_count', 'task_complete', 'task_started', 'item_completed', 'error', 'mcp_tool_call_end', 'web_search_end',
        ),
        role: fc.constantFrom('user', 'assistant', 'developer'),
        call_id: fc.oneof(fc.constantFrom('c1', 'c2'), anyJson),
        output: anyJson,
        content: anyJson,
        summary: anyJson,
        item: fc.record({ type: fc.constantFrom('UserMessage', 'AgentMessage', 'Reasoning', 'CommandExecution', 'WebSearch', 'X'), id: anyJson, content: anyJson, summary_text: anyJson, exit_code: anyJson }, { requiredKeys: ['type'] }),
        info: anyJson,
        rate_limits: anyJson,
        error: anyJson,
        arguments: anyJson,
      },
      { requiredKeys: ['type'] },
    );
    const record = fc.record({
      type: fc.constantFrom('session_meta', 'turn_context', 'response_item', 'event_msg', 'compacted', 'token_usage_record', 'mystery'),
      timestamp: fc.oneof(fc.constant('2026-11-28T20:00:00.000Z'), anyJson),
      payload,
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 25 }), (records) => {
        const events = run(records.map((r) => JSON.stringify(r)));
        expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
        for (const e of events) expect(() => normalizeEventInput(e)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeEventInput } from '../../../src/index.js';
import { createCopilotParser } from '../../../src/providers/index.js';
import { fixtureFiles } from './support.js';

const MAX_RAW = 16_384;
const realLines = fixtureFiles().flatMap((f) =>
  readFileSync(f.path, 'utf8')
    .split('\n')
    .filter((l) => l !== ''),
);

const TYPES = [
  'session.start',
  'session.resume',
  'session.shutdown',
  'session.model_change',
  'session.info',
  'session.warning',
  'session.error',
  'session.usage_record',
  'user.message',
  'assistant.message',
  'assistant.reasoning',
  'tool.execution_start',
  'tool.execution_complete',
  'subagent.started',
  'subagent.completed',
  'assistant.turn_end',
  'some.future_type',
];

/** A record whose envelope is right but whose data is anything, often shaped like the real thing. */
const shapedData = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      content: fc.oneof(fc.string(), fc.jsonValue()),
      toolCallId: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.jsonValue()),
      toolName: fc.oneof(fc.string(), fc.jsonValue()),
      success: fc.oneof(fc.boolean(), fc.jsonValue()),
      toolRequests: fc.oneof(
        fc.array(fc.record({ toolCallId: fc.constantFrom('a', 'b'), name: fc.string(), arguments: fc.jsonValue() })),
        fc.jsonValue(),
      ),
      usage: fc.oneof(
        fc.record({ apiCallId: fc.constantFrom('x', 'y'), inputTokens: fc.double(), outputTokens: fc.integer() }),
        fc.jsonValue(),
      ),
      modelMetrics: fc.jsonValue(),
      shellExecution: fc.oneof(fc.record({ exitCode: fc.double() }), fc.jsonValue()),
      errorType: fc.constantFrom('rate_limit', 'quota', 'other'),
      statusCode: fc.oneof(fc.constant(429), fc.integer()),
      message: fc.string(),
      outputTokens: fc.oneof(fc.double(), fc.jsonValue()),
      result: fc.jsonValue(),
      error: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);
const typedRecord = fc
  .record({
    type: fc.constantFrom(...TYPES),
    data: shapedData,
    id: fc.oneof(fc.uuid(), fc.constantFrom('dup1', 'dup2'), fc.jsonValue()),
    timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.jsonValue()),
    agentId: fc.oneof(fc.constant(undefined), fc.constant(null), fc.constantFrom('A', 'B'), fc.jsonValue()),
  })
  .map((r) => JSON.stringify(r));

/** Real lines cut short or with one character changed: mostly broken JSON. */
const mutatedLine = fc
  .record({ line: fc.constantFrom(...realLines), at: fc.nat(), ch: fc.string({ maxLength: 2 }), cut: fc.boolean() })
  .map(({ line, at, ch, cut }) => {
    const i = at % Math.max(1, line.length);
    return cut ? line.slice(0, i) : line.slice(0, i) + ch + line.slice(i + 1);
  });

const anyLine = fc.oneof(fc.constantFrom(...realLines), typedRecord, mutatedLine, fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)));

/** The test's own notion of a broken line: not blank, and not a JSON object with a string `type`. */
function isBroken(line: string): boolean {
  if (line.trim() === '') return false;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { type?: unknown }).type !== 'string';
  } catch {
    return true;
  }
}

describe('Copilot parser fuzzing', () => {
  it('never throws, and every event it produces is a valid log event', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 40 }), (lines) => {
        const p = createCopilotParser();
        const events = [...lines.flatMap((l) => p.push(l)), ...p.end()];
        for (const [kind, e] of events) {
          expect(kind).toBe('provider_file');
          normalizeEventInput(e);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('gives exactly one parse_warning, holding the raw text, per broken complete line', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...realLines), mutatedLine, fc.string()), { maxLength: 40 }), (lines) => {
        const p = createCopilotParser({ source: 'backfill' });
        const warnings = [...lines.flatMap((l) => p.push(l)), ...p.end()]
          .map(([, e]) => e)
          .filter((e) => e.type === 'parse_warning');
        const broken = lines.filter(isBroken);
        expect(warnings.map((w) => (w.type === 'parse_warning' ? w.raw : undefined))).toEqual(
          broken.map((l) => l.slice(0, MAX_RAW)),
        );
      }),
      { numRuns: 400 },
    );
  });
});

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGeminiJsonlParser, createGeminiSnapshotParser } from '../../../src/providers/index.js';
import { normalizeEventInput, normalizeEventTime } from '../../../src/index.js';
import { fixtureFiles } from './scan.js';

const files = fixtureFiles();
const realLines = files
  .filter((f) => f.path.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(f.path, 'utf8').split('\n'))
  .filter((l) => l.trim() !== '');
const legacyDocs = files.filter((f) => f.path.endsWith('.json')).map((f) => readFileSync(f.path, 'utf8'));

/** The independent definition of a broken line: not blank, and not a JSON object. */
function isBroken(line: string): boolean {
  if (line.trim() === '') return false;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v !== 'object' || v === null || Array.isArray(v);
  } catch {
    return true;
  }
}

const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const id = fc.constantFrom('m1', 'm2', 'm3', 'c1', 'c2');
/** Records shaped like Gemini's, with any field possibly of the wrong type. */
const record = fc.oneof(
  fc.record({ sessionId: fc.oneof(fc.string(), anyValue), projectHash: fc.string(), startTime: anyValue }),
  fc.record({ $set: fc.oneof(fc.dictionary(fc.string(), anyValue), fc.record({ messages: fc.array(fc.record({ id, type: anyValue, content: anyValue })) }), anyValue) }),
  fc.record({ $rewindTo: fc.oneof(id, anyValue) }),
  fc.record(
    {
      id,
      type: fc.oneof(fc.constantFrom('user', 'gemini', 'info', 'error', 'warning', 'other'), anyValue),
      content: fc.oneof(fc.string(), fc.array(fc.oneof(fc.record({ text: anyValue, thought: anyValue }), fc.record({ functionResponse: fc.record({ id: anyValue, name: anyValue, response: anyValue }) }), fc.record({ functionCall: anyValue }), anyValue)), anyValue),
      displayContent: anyValue,
      thoughts: fc.oneof(fc.array(fc.oneof(fc.record({ subject: anyValue, description: anyValue }), anyValue)), anyValue),
      tokens: fc.oneof(fc.record({ input: anyValue, output: anyValue, cached: anyValue, thoughts: anyValue, tool: anyValue }), anyValue),
      model: anyValue,
      toolCalls: fc.oneof(fc.array(fc.oneof(fc.record({ id: fc.oneof(id, anyValue), name: anyValue, args: anyValue, status: anyValue, result: anyValue, resultDisplay: anyValue, agentId: anyValue }), anyValue)), anyValue),
    },
    { requiredKeys: ['id'] },
  ),
  fc.dictionary(fc.string(), anyValue),
);

const line = fc.oneof(
  record.map((r) => JSON.stringify(r)),
  fc.constantFrom(...realLines),
  // Truncated real lines (a half-written line at a crash).
  fc.tuple(fc.constantFrom(...realLines), fc.nat()).map(([l, n]) => l.slice(0, n % l.length)),
  // Mutated real lines: one character replaced.
  fc.tuple(fc.constantFrom(...realLines), fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([l, n, c]) => {
    const i = n % l.length;
    return l.slice(0, i) + c + l.slice(i + 1);
  }),
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

describe('Gemini parsers under fuzzing', () => {
  // A broken line's parse_warning may wait for the file's first readable time (record-times.ts): counted over the whole input, in order.
  it('JSONL: never throws, emits valid events with valid times, and one parse_warning per broken line, holding it', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const p = createGeminiJsonlParser();
        const events = [...lines.flatMap((l) => p.push(l)), ...p.end()];
        for (const [, e, ts] of events) {
          normalizeEventInput(e);
          if (ts !== undefined) normalizeEventTime(ts);
        }
        const warnings = events.filter(([, e]) => e.type === 'parse_warning').map(([, e]) => (e as { raw?: string }).raw);
        expect(warnings).toEqual(lines.filter(isBroken).map((l) => l.slice(0, 16_384)));
      }),
      { numRuns: 300 },
    );
  });

  it('legacy: never throws, emits valid events, and one parse_warning per broken document', () => {
    const doc = fc.oneof(
      fc.record({ sessionId: anyValue, startTime: anyValue, messages: fc.oneof(fc.array(record), anyValue) }).map((d) => JSON.stringify(d)),
      fc.tuple(fc.constantFrom(...legacyDocs), fc.nat()).map(([d, n]) => d.slice(0, n % d.length)),
      fc.constantFrom(...legacyDocs),
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 8 }), (docs) => {
        const p = createGeminiSnapshotParser();
        const events = [...docs.flatMap((d) => p.pushText(d)), ...p.end()];
        for (const [, e, ts] of events) {
          normalizeEventInput(e);
          if (ts !== undefined) normalizeEventTime(ts);
        }
        // A whole document is broken when it is not a JSON object, blank included (a truncated rewrite).
        const broken = docs.filter((d) => d.trim() === '' || isBroken(d)).length;
        expect(events.filter(([, e]) => e.type === 'parse_warning')).toHaveLength(broken);
      }),
      { numRuns: 150 },
    );
  });
});

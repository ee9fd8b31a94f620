import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGeminiJsonlParser, createGeminiSnapshotParser } from '../../../src/providers/index.js';
import { normalizeEventInput } from '../../../src/index.js';
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
  it('JSONL: never throws, emits valid events, and one parse_warning per broken line, holding it', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const p = createGeminiJsonlParser();
        let warnings = 0;
        for (const l of lines) {
          const events = p.push(l).map(([, e]) => e);
          const w = events.filter((e) => e.type === 'parse_warning');
          expect(w.length).toBe(isBroken(l) ? 1 : 0);
          if (w.length > 0) expect(w[0]).toMatchObject({ raw: l.slice(0, 16_384) });
          warnings += w.length;
          for (const e of events) normalizeEventInput(e);
        }
        for (const [, e] of p.end()) {
          expect(e.type).not.toBe('parse_warning');
          normalizeEventInput(e);
        }
        expect(warnings).toBe(lines.filter(isBroken).length);
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
        for (const d of docs) {
          const events = p.pushText(d).map(([, e]) => e);
          // A whole document is broken when it is not a JSON object, blank included (a truncated rewrite).
          expect(events.filter((e) => e.type === 'parse_warning').length).toBe(d.trim() === '' || isBroken(d) ? 1 : 0);
          for (const e of events) normalizeEventInput(e);
        }
        for (const [, e] of p.end()) normalizeEventInput(e);
      }),
      { numRuns: 150 },
    );
  });
});

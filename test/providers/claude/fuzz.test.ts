import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEventInput, normalizeEventTime } from '../../../src/index.js';
import { createClaudeParser } from '../../../src/providers/index.js';
import { FIXTURES } from './helpers.js';

/** Real lines from several formats (2.0.64, 2.1.4, 2.1.332 incl. sub-agent and /clear files), minus the huge ones. */
const REAL_LINES = [
  'projects/-home-user-demo/2190bd69-f000-410d-94eb-16fa78cd919f.jsonl',
  'projects/-home-user-demo/2190bd69-f000-410d-94eb-16fa78cd919f/subagents/agent-a2a4d5d99c9efe1ae.jsonl',
  'projects/-home-user-demo/d9235f7e-704a-4ba2-b2c6-07d396a125ba.jsonl',
  'projects/-home-user-demo/f3128607-2f3e-4296-a9be-a435a1fe3c79.jsonl',
  'projects/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl',
  'projects/-Users-user-repo/9eda1058-9706-484a-b992-d03f9cfa2546.jsonl',
]
  .flatMap((rel) => readFileSync(join(FIXTURES, rel), 'utf8').split('\n'))
  .filter((l) => l !== '' && l.length < 20_000);

function isBroken(line: string): boolean {
  if (line.trim() === '') return false;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v !== 'object' || v === null || Array.isArray(v);
  } catch {
    return true;
  }
}

/**
 * Feeds lines; checks the invariants that hold for any input. A broken line's
 * parse_warning may wait for the file's first readable time (see
 * record-times.ts), so warnings are counted over the whole input, in order.
 */
function check(lines: string[]): void {
  const p = createClaudeParser();
  const broken = lines.filter(isBroken);
  const events = [...lines.flatMap((line) => p.push(line)), ...p.end()]; // must not throw
  for (const [, e, ts] of events) {
    normalizeEventInput(e); // every event is valid for the writer
    if (ts !== undefined) normalizeEventTime(ts); // and so is its time
  }
  const warnings = events.filter(([, e]) => e.type === 'parse_warning').map(([, e]) => (e as { raw?: string }).raw);
  expect(warnings).toEqual(broken.map((line) => line.slice(0, 16_384)));
}

const realLine = fc.constantFrom(...REAL_LINES);

/** Replaces one value somewhere inside a record by arbitrary JSON (wrong types, nulls, deep junk). */
function mutate(line: string, path: number[], junk: unknown): string {
  const root = JSON.parse(line) as Record<string, unknown>;
  let node: unknown = root;
  for (const step of path) {
    if (typeof node !== 'object' || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[step % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null || step % 3 === 0) {
      (node as Record<string, unknown>)[key] = junk;
      break;
    }
    node = child;
  }
  return JSON.stringify(root);
}

describe('Claude parser under fuzzing', () => {
  it('never throws on random lines, and each broken line yields exactly one parse_warning with its raw text', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string(), fc.json(), realLine), { maxLength: 30 }), check), {
      numRuns: 300,
    });
  });

  it('handles real lines cut at any point (a torn write)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(realLine, fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 20 }), (cuts) =>
        check(cuts.map(([line, at]) => line.slice(0, Math.floor(line.length * at)))),
      ),
      { numRuns: 300 },
    );
  });

  it('tolerates records whose fields have the wrong shape', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(realLine, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue()), { maxLength: 20 }),
        (muts) => check(muts.map(([line, path, junk]) => mutate(line, path, junk))),
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the whole real stream valid when broken lines are mixed in', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(realLine, fc.string({ maxLength: 40 }).map((s) => `{${s}`)), { maxLength: 60 }), check),
      { numRuns: 100 },
    );
  });
});

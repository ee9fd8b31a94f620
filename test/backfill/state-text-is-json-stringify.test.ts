import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prettyJsonBytes } from '../../src/backfill/pretty-json.js';

/**
 * The backfill state is written piece by piece (never as one multi-MB string);
 * the bytes must be exactly what JSON.stringify(state, null, 2) gives, as zag
 * and every earlier version wrote it.
 */
describe('state file text', () => {
  const member = fc.oneof(
    fc.jsonValue(),
    fc.constant(undefined),
    fc.array(fc.oneof(fc.jsonValue(), fc.constant(undefined))),
    fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined))),
  );

  it('equals JSON.stringify(value, null, 2) for any JSON-shaped object, undefined members included', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), member), (value) => {
        expect(prettyJsonBytes(value).toString('utf8')).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('equals it for a state of the shape runBackfill writes', () => {
    const fp = (n: number) => ({ size: n, mtime_ms: 1764000000000.123 + n, ino: 1000 + n });
    const state = {
      version: 1,
      imported_session_keys: ['claude:a', 'codex:é-b'],
      zag_extra: { nested: [1, { deep: true }] },
      sources: { 'claude:a': { '/h/.claude/projects/p/a.jsonl': fp(1), '/h/a/subagents/agent-1.jsonl': fp(2) } },
      empty_sources: {},
    };
    expect(prettyJsonBytes(state).toString('utf8')).toBe(JSON.stringify(state, null, 2));
    expect(prettyJsonBytes({}).toString('utf8')).toBe('{}');
  });

  it('writes Maps as objects and Sets as arrays, as the state passes its own collections', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.dictionary(fc.string(), fc.jsonValue())), fc.array(fc.string()), (sources, keys) => {
        const plain = { version: 1, imported_session_keys: keys, sources, empty: {} };
        const live = { version: 1, imported_session_keys: new Set(keys), sources: new Map(Object.entries(sources)), empty: new Map() };
        expect(prettyJsonBytes(live).toString('utf8')).toBe(JSON.stringify({ ...plain, imported_session_keys: [...new Set(keys)] }, null, 2));
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Reading an index takes shortcuts (entries split out of the pretty layout,
 * the schema skipped for entries that are already exact). This checks, on
 * random files, that the result is always what the schema alone would give.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionLogIndexSchema, loadIndex } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const KEYS = [
  'wrapper_session_id',
  'provider',
  'provider_session_id',
  'log_path',
  'completeness',
  'started_at',
  'ended_at',
  'workspace_path',
  'command',
  'source_paths',
  'backfilled',
] as const;

const value = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('full', 'partial', 'metadata_only', 'é\n"', null, true, false, 0, 1.5),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.constant(1)), { maxLength: 2 }),
);

const validEntry = fc.record({
  wrapper_session_id: fc.string({ maxLength: 8 }),
  provider: fc.constantFrom('claude', 'codex'),
  provider_session_id: fc.option(fc.string({ maxLength: 5 })),
  log_path: fc.string({ maxLength: 10 }),
  completeness: fc.constantFrom('full', 'partial', 'metadata_only'),
  started_at: fc.constant('2026-11-28T19:00:00.000Z'),
  ended_at: fc.option(fc.constant('2026-11-28T19:01:00.000Z')),
  workspace_path: fc.option(fc.string({ maxLength: 5 })),
  command: fc.option(fc.constantFrom('run', 'exec')),
  source_paths: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
  backfilled: fc.boolean(),
});

/** A valid entry, then maybe broken: a key dropped, retyped, added, or the order shuffled. */
const entry = fc
  .tuple(validEntry, fc.nat(5), fc.nat(KEYS.length - 1), value, fc.boolean())
  .map(([e, how, k, v, flip]) => {
    const o: Record<string, unknown> = { ...e };
    const key = KEYS[k]!;
    if (how === 1) delete o[key];
    if (how === 2) o[key] = v;
    if (how === 3) o.extra = v;
    if (how === 4 && flip) return Object.fromEntries(Object.entries(o).reverse());
    return o;
  });

describe('index reads are equivalent to a plain schema parse', () => {
  it('for random entries, pretty or compact', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'index.json');
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 5 }), fc.boolean(), async (sessions, pretty) => {
        for (const n of fs.readdirSync(dir)) fs.rmSync(path.join(dir, n), { recursive: true });
        const text = pretty ? JSON.stringify({ sessions }, null, 2) : JSON.stringify({ sessions });
        fs.writeFileSync(file, text);
        const expected = SessionLogIndexSchema.safeParse(JSON.parse(text));
        const got = await loadIndex(dir);
        if (expected.success) {
          // Same values and the same key order.
          expect(JSON.stringify(got)).toBe(JSON.stringify(expected.data));
          expect(fs.readdirSync(dir).some((n) => n.includes('corrupt'))).toBe(false);
        } else {
          expect(got.sessions).toEqual([]);
          expect(fs.readdirSync(dir).some((n) => n.includes('corrupt'))).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

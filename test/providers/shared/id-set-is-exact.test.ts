/**
 * IdSet, the parsers' record of line ids already seen, keeps canonical UUIDs
 * in a compact table: it must answer exactly as a Set of the strings would,
 * for UUIDs, near-UUIDs (uppercase, misplaced dashes, non-hex) and anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../../src/providers/shared/index.js';

const hex = fc.constantFrom(...'0123456789abcdef');
const hexes = (n: number) => fc.array(hex, { minLength: n, maxLength: n }).map((a) => a.join(''));
const uuid = fc.tuple(hexes(8), hexes(4), hexes(4), hexes(4), hexes(12)).map((p) => p.join('-'));
const nearUuid = fc.oneof(
  uuid.map((u) => u.toUpperCase()),
  uuid.map((u) => u.replace('-', 'x')),
  uuid.map((u) => `${u.slice(0, 35)}g`),
  uuid.map((u) => u.slice(1) + '0'),
  fc.string({ minLength: 36, maxLength: 36 }),
);

describe('IdSet', () => {
  it('answers add() and has() exactly as a Set of strings does', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(uuid, uuid, nearUuid, fc.string()), { maxLength: 400 }), fc.array(fc.nat(), { maxLength: 400 }), (ids, picks) => {
        const set = new IdSet();
        const reference = new Set<string>();
        // Each id added (some twice, via picks), then every id and a few strangers asked.
        const adds = [...ids, ...picks.map((i) => ids[i % Math.max(1, ids.length)] ?? '')];
        for (const id of adds) {
          expect(set.add(id)).toBe(!reference.has(id));
          reference.add(id);
        }
        expect(set.size).toBe(reference.size);
        for (const id of [...ids, 'x', '00000000-0000-0000-0000-000000000000']) expect(set.has(id)).toBe(reference.has(id));
      }),
    );
  });

  it('keeps every one of 100,000 UUIDs through its growth, and tells them apart from their uppercase form', () => {
    const set = new IdSet();
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    const ids = Array.from({ length: 100_000 }, (_, i) => `${hex((i * 2654435761) >>> 0, 8)}-${hex(i & 0xffff, 4)}-4abc-8def-${hex(i * 7919, 12)}`);
    for (const id of ids) expect(set.add(id)).toBe(true);
    for (const id of ids) expect(set.add(id)).toBe(false);
    expect(set.size).toBe(ids.length);
    const upper = ids[0]!.toUpperCase();
    expect(set.has(upper)).toBe(false);
    expect(set.add(upper)).toBe(true);
  });
});

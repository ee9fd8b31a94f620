import type { LinePrefilter } from './types.js';

/**
 * Finds needles in raw bytes, fast. Buffer#indexOf of a whole short needle
 * runs at ~1 GB/s (V8's string search starts with a memchr of the needle's
 * FIRST byte, often a common letter), and lower-casing a chunk as a string
 * ran at ~80 MB/s. Two cheaper ways, chosen per needle:
 *
 * - anchor: memchr (Buffer#indexOf of one byte, ~4 GB/s) of the needle's
 *   RAREST byte, then a compare of the needle around each hit. For an
 *   ASCII-case-insensitive needle only bytes that are not letters qualify
 *   (they have one case). A needle whose anchor turns out common in the data
 *   (too many failed compares) switches to the next way for the rest of the scan.
 * - whole: Buffer#indexOf of the whole needle; case-insensitive needles are
 *   searched in a folded copy of the chunk (every byte | 0x20, four at a time),
 *   where 'A' and 'a' are the same byte. Folding also merges a few non-letters
 *   ('@' and '`', ...): a rare extra line parsed and rejected, never a miss.
 */

/** How common a byte is in session logs (JSON of English text and code); lower is rarer. */
function commonness(b: number): number {
  if (b === 0x20 || b === 0x22) return 100; // space, quote
  if (b >= 0x61 && b <= 0x7a) return 'etaoinsrhldcu'.includes(String.fromCharCode(b)) ? 80 : 60;
  if (b >= 0x30 && b <= 0x39) return 55; // seq, ts, tokens
  if (b === 0x3a || b === 0x2c) return 60; // : ,
  if (b === 0x5f || b === 0x2e || b === 0x2f) return 40; // _ . /
  if (b >= 0x41 && b <= 0x5a) return 35;
  if (b === 0x2d) return 55; // '-': in every timestamp and uuid
  if (b === 0x5c || b === 0x7b || b === 0x7d) return 25; // \ { }
  if (b < 0x20 || b >= 0x80) return 10;
  return 15; // other punctuation
}

/** Anchors at or below this commonness are tried; above it the whole needle is searched at once. */
const RARE_ENOUGH = 25;
/** Failed compares allowed per chunk before an anchor is given up: 64 plus one per 4 KiB scanned. */
const MISS_ALLOWANCE = 64;

const LOWER = new Uint8Array(256).map((_, b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b));
const isLetter = (b: number): boolean => (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a;

/** One chunk's bytes: the raw data and, when some needle needs it, the folded copy. */
export interface ChunkView {
  data: Buffer;
  /** data[0, end) is the part scanned. */
  end: number;
  folded(): Buffer;
}

interface NeedleFinder {
  /** Start of the next occurrence at or after `from`, or -1. */
  next(view: ChunkView, from: number): number;
}

function wholeFinder(needle: Buffer, ignoreCase: boolean): NeedleFinder {
  const target = ignoreCase ? Buffer.from(needle.map((b) => b | 0x20)) : needle;
  return {
    next(view, from) {
      const hay = ignoreCase ? view.folded() : view.data;
      const hit = hay.indexOf(target, from);
      return hit === -1 || hit + target.length > view.end ? -1 : hit;
    },
  };
}

function anchorFinder(needle: Buffer, k: number, ignoreCase: boolean): NeedleFinder {
  const want = ignoreCase ? needle.map((b) => LOWER[b]!) : needle;
  const byte = needle[k]!;
  const len = needle.length;
  let fallback: NeedleFinder | null = null;
  let chunk: ChunkView | null = null;
  let misses = 0;
  return {
    next(view, from) {
      if (fallback) return fallback.next(view, from);
      if (view !== chunk) {
        chunk = view;
        misses = 0;
      }
      const { data, end } = view;
      const allowed = MISS_ALLOWANCE + (end >>> 12);
      let p = from + k;
      while (p < end) {
        p = data.indexOf(byte, p);
        if (p === -1 || p >= end) return -1;
        const s = p - k;
        if (s + len <= end && matchesAt(data, s, want, ignoreCase)) return s;
        if (++misses > allowed) {
          fallback = wholeFinder(needle, ignoreCase);
          return fallback.next(view, from);
        }
        p++;
      }
      return -1;
    },
  };
}

function matchesAt(data: Buffer, s: number, want: Uint8Array, ignoreCase: boolean): boolean {
  for (let j = 0; j < want.length; j++) {
    const b = ignoreCase ? LOWER[data[s + j]!]! : data[s + j]!;
    if (b !== want[j]) return false;
  }
  return true;
}

function finderFor(text: string, ignoreCase: boolean): NeedleFinder {
  const needle = Buffer.from(text, 'utf8');
  let best = -1;
  for (let i = 0; i < needle.length; i++) {
    const b = needle[i]!;
    if (ignoreCase && isLetter(b)) continue;
    if (best === -1 || commonness(b) < commonness(needle[best]!)) best = i;
  }
  return best !== -1 && commonness(needle[best]!) <= RARE_ENOUGH ? anchorFinder(needle, best, ignoreCase) : wholeFinder(needle, ignoreCase);
}

/**
 * A prefilter's finder: the first position at or after `from` where any
 * needle starts. Each needle's next hit is cached until the scan passes it,
 * so several needles cost one pass each, not one per line.
 */
export class PrefilterFinder {
  readonly #finders: NeedleFinder[];
  readonly #hits: number[];
  #view: ChunkView | null = null;

  constructor(prefilter: LinePrefilter) {
    this.#finders = prefilter.needles.filter((n) => n !== '').map((n) => finderFor(n, prefilter.ignoreCase));
    this.#hits = this.#finders.map(() => -2);
  }

  get empty(): boolean {
    return this.#finders.length === 0;
  }

  next(view: ChunkView, from: number): number {
    if (view !== this.#view) {
      this.#view = view;
      this.#hits.fill(-2);
    }
    let best = -1;
    for (let i = 0; i < this.#finders.length; i++) {
      let h = this.#hits[i]!;
      if (h !== -1 && h < from) h = this.#hits[i] = this.#finders[i]!.next(view, from);
      if (h !== -1 && (best === -1 || h < best)) best = h;
    }
    return best;
  }
}

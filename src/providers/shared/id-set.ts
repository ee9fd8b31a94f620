/** Hex digit values by char code (lowercase only: a set must tell "A" from "a", so uppercase UUIDs take the exact path). */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;

/** Reads the 8 hex digits at `at` (skipping the dash at `dash`, if any) into `out[word]`; false if one is not a digit. */
function word(s: string, at: number, out: Uint32Array, index: number): boolean {
  let v = 0;
  for (let n = 0; n < 8; at++) {
    const c = s.charCodeAt(at);
    if (c === 45) continue; // '-', where the caller checked one belongs
    const d = c < 128 ? HEX[c]! : -1;
    if (d < 0) return false;
    v = (v << 4) | d;
    n++;
  }
  out[index] = v >>> 0;
  return true;
}

const DASHES = [8, 13, 18, 23];

/**
 * A set of record ids, for the parsers that drop a line written twice.
 * Claude gives every line a UUID and a long session has hundreds of
 * thousands: as strings in a Set they cost ~100 bytes each (16 MB for a
 * 256 MB session file), here a canonical lowercase UUID takes its 16 bytes in
 * an open-addressing table (~30 bytes a UUID). Anything else is kept as a
 * string, so the set is exact either way.
 */
export class IdSet {
  #words = new Uint32Array(4 * 256);
  #used = new Uint8Array(256);
  #count = 0;
  #strings: Set<string> | null = null;
  readonly #key = new Uint32Array(4);

  get size(): number {
    return this.#count + (this.#strings?.size ?? 0);
  }

  /** Adds `id`; false when it was already there. */
  add(id: string): boolean {
    if (!this.#parse(id)) {
      const strings = (this.#strings ??= new Set());
      if (strings.has(id)) return false;
      strings.add(id);
      return true;
    }
    if (this.#find() >= 0) return false;
    if ((this.#count + 1) * 4 > this.#used.length * 3) this.#grow();
    this.#insert(this.#key);
    return true;
  }

  has(id: string): boolean {
    if (!this.#parse(id)) return this.#strings?.has(id) ?? false;
    return this.#find() >= 0;
  }

  #parse(id: string): boolean {
    if (id.length !== 36) return false;
    for (const d of DASHES) if (id.charCodeAt(d) !== 45) return false;
    const k = this.#key;
    return word(id, 0, k, 0) && word(id, 9, k, 1) && word(id, 19, k, 2) && word(id, 28, k, 3);
  }

  #slot(k: Uint32Array): number {
    let h = Math.imul(k[0]! ^ Math.imul(k[1]!, 0x9e3779b1), 0x85ebca6b);
    h ^= Math.imul(k[2]! ^ (h >>> 15), 0xc2b2ae35);
    h ^= k[3]! ^ (h >>> 13);
    return (Math.imul(h, 0x27d4eb2f) >>> 0) & (this.#used.length - 1);
  }

  /** The slot holding the parsed key, or -1. */
  #find(): number {
    const k = this.#key;
    const w = this.#words;
    const mask = this.#used.length - 1;
    for (let i = this.#slot(k); this.#used[i] === 1; i = (i + 1) & mask) {
      const b = i * 4;
      if (w[b] === k[0] && w[b + 1] === k[1] && w[b + 2] === k[2] && w[b + 3] === k[3]) return i;
    }
    return -1;
  }

  #insert(k: Uint32Array): void {
    const mask = this.#used.length - 1;
    let i = this.#slot(k);
    while (this.#used[i] === 1) i = (i + 1) & mask;
    this.#used[i] = 1;
    this.#words.set(k, i * 4);
    this.#count++;
  }

  #grow(): void {
    const words = this.#words;
    const used = this.#used;
    this.#words = new Uint32Array(words.length * 2);
    this.#used = new Uint8Array(used.length * 2);
    this.#count = 0;
    const k = new Uint32Array(4);
    for (let i = 0; i < used.length; i++) {
      if (used[i] !== 1) continue;
      k.set(words.subarray(i * 4, i * 4 + 4));
      this.#insert(k);
    }
  }
}

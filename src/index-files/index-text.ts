import type { z } from 'zod';

/** How one kind of index file's entries are validated and laid out. */
export interface IndexCodec<E extends object> {
  readonly schema: z.ZodType<{ sessions: E[] }, unknown>;
  readonly entrySchema: z.ZodType<E, unknown>;
  /** The entry with its keys in zag's order (serde's declaration order). */
  ordered(entry: E): Record<string, unknown>;
  /**
   * True when a parsed value already is exactly what `entrySchema` would
   * return (every key, in zag's order, nothing to default or strip), so the
   * schema can be skipped. Must never accept what the schema would change or reject.
   */
  isExact(value: unknown): value is E;
}

/** Parsed entries. */
export interface ParsedIndex<E> {
  entries: readonly E[];
}

/** The canonical layout's fixed parts (serde's pretty layout): before, after and instead of the entries. */
export const PREFIX = '{\n  "sessions": [\n';
export const SUFFIX = '\n  ]\n}';
export const EMPTY = '{\n  "sessions": []\n}';
/** Between two entries. A JSON string never holds a raw newline, so this only matches layout. */
const SEPARATOR = ',\n    {\n';
const ENTRY_START = '    {\n';

/** Each entry's pretty-printed text, so a rewrite only formats changed entries. */
const fragments = new WeakMap<object, string>();

/** An entry's text as it sits inside `{ "sessions": [ … ] }` (serde's pretty layout). */
export function fragmentOf<E extends object>(codec: IndexCodec<E>, entry: E): string {
  let text = fragments.get(entry);
  if (text === undefined) {
    // Pretty-printed inside its array, then cut out: one flat string. (Indenting
    // with replace() kept each entry as a rope of ~45 pieces, which a long
    // backfill holds for every session: several MB of heap.)
    const whole = JSON.stringify({ sessions: [codec.ordered(entry)] }, null, 2);
    text = whole.slice(PREFIX.length, whole.length - SUFFIX.length);
    fragments.set(entry, text);
  }
  return text;
}

/** The file's text exactly as serde_json's `to_string_pretty` writes it (2 spaces, no final newline). */
export function formatIndex<E extends object>(codec: IndexCodec<E>, entries: readonly E[]): string {
  if (entries.length === 0) return EMPTY;
  const parts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) parts[i] = fragmentOf(codec, entries[i]!);
  return PREFIX + parts.join(',\n') + SUFFIX;
}

/**
 * The bytes of {@link formatIndex}, written piece by piece into one buffer.
 * The file's text as one string would be megabytes for a large index, and
 * such strings go straight to V8's old generation: a backfill rewriting the
 * index every few hundred sessions made the heap grow with the history.
 */
export function formatIndexBytes<E extends object>(codec: IndexCodec<E>, entries: readonly E[]): Buffer {
  if (entries.length === 0) return Buffer.from(EMPTY);
  const parts = new Array<string>(entries.length);
  let bytes = PREFIX.length + SUFFIX.length + 2 * (entries.length - 1);
  for (let i = 0; i < entries.length; i++) {
    parts[i] = fragmentOf(codec, entries[i]!);
    bytes += Buffer.byteLength(parts[i]!);
  }
  const out = Buffer.allocUnsafe(bytes);
  let off = out.write(PREFIX, 0);
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) off += out.write(',\n', off);
    off += out.write(parts[i]!, off);
  }
  out.write(SUFFIX, off);
  return out;
}

/** Entries by their text, built only when a changed file is read (not on every write). */
function byText<E extends object>(codec: IndexCodec<E>, entries: readonly E[] | undefined): Map<string, E> | undefined {
  if (!entries || entries.length === 0) return undefined;
  const map = new Map<string, E>();
  for (const e of entries) map.set(fragmentOf(codec, e), e);
  return map;
}

/**
 * Fast path for a file in the canonical layout (ours and zag's): split it into
 * entry texts and reuse the entries already parsed from identical texts, so a
 * file another process rewrote costs a parse of the changed entries only.
 * Returns null when the layout is different or any entry fails, so the caller
 * takes the full parse.
 */
function parseCanonical<E extends object>(
  codec: IndexCodec<E>,
  text: string,
  previous: Map<string, E> | undefined,
): ParsedIndex<E> | null {
  if (text === EMPTY) return { entries: [] };
  if (!text.startsWith(PREFIX) || !text.endsWith(SUFFIX) || text.length < PREFIX.length + SUFFIX.length) return null;
  const body = text.slice(PREFIX.length, text.length - SUFFIX.length);
  const pieces = body.split(SEPARATOR);
  const entries: E[] = new Array(pieces.length);
  for (let i = 0; i < pieces.length; i++) {
    const frag = i === 0 ? pieces[0]! : ENTRY_START + pieces[i]!;
    let entry = previous?.get(frag);
    if (entry === undefined) {
      if (!frag.startsWith(ENTRY_START)) return null;
      let value: unknown;
      try {
        value = JSON.parse(frag);
      } catch {
        return null;
      }
      if (codec.isExact(value)) {
        entry = value;
        // Keys in order and nothing normalized: the file's text is a valid layout of it.
        fragments.set(entry, frag);
      } else {
        const parsed = codec.entrySchema.safeParse(value);
        if (!parsed.success) return null;
        entry = parsed.data;
      }
    }
    entries[i] = entry;
  }
  return { entries };
}

/** Parses and validates an index file's text; a string is the reason it is corrupt. */
export function parseIndex<E extends object>(
  codec: IndexCodec<E>,
  text: string,
  previous: readonly E[] | undefined,
): ParsedIndex<E> | string {
  const fast = parseCanonical(codec, text, byText(codec, previous));
  if (fast) return fast;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const parsed = codec.schema.safeParse(value);
  if (!parsed.success) return 'does not match the index schema';
  return { entries: parsed.data.sessions };
}

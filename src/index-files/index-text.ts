import type { z } from 'zod';

/** How one kind of index file's entries are validated and laid out. */
export interface IndexCodec<E extends object> {
  readonly schema: z.ZodType<{ sessions: E[] }, unknown>;
  readonly entrySchema: z.ZodType<E, unknown>;
  /** The entry with its keys in zag's order (serde's declaration order). */
  ordered(entry: E): Record<string, unknown>;
}

/** Parsed entries plus each one's text in the file, for reuse by the next read. */
export interface ParsedIndex<E> {
  entries: readonly E[];
  byText: Map<string, E>;
}

const PREFIX = '{\n  "sessions": [\n';
const SUFFIX = '\n  ]\n}';
const EMPTY = '{\n  "sessions": []\n}';
/** Between two entries. A JSON string never holds a raw newline, so this only matches layout. */
const SEPARATOR = ',\n    {\n';
const ENTRY_START = '    {\n';

/** Each entry's pretty-printed text, so a rewrite only formats changed entries. */
const fragments = new WeakMap<object, string>();

/** An entry's text as it sits inside `{ "sessions": [ … ] }` (serde's pretty layout). */
export function fragmentOf<E extends object>(codec: IndexCodec<E>, entry: E): string {
  let text = fragments.get(entry);
  if (text === undefined) {
    text = '    ' + JSON.stringify(codec.ordered(entry), null, 2).replace(/\n/g, '\n    ');
    fragments.set(entry, text);
  }
  return text;
}

/** The file's text exactly as serde_json's `to_string_pretty` writes it (2 spaces, no final newline). */
export function formatIndex<E extends object>(codec: IndexCodec<E>, entries: readonly E[]): ParsedIndex<E> & { text: string } {
  const byText = new Map<string, E>();
  if (entries.length === 0) return { text: EMPTY, entries, byText };
  const parts = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    parts[i] = fragmentOf(codec, e);
    byText.set(parts[i]!, e);
  }
  return { text: PREFIX + parts.join(',\n') + SUFFIX, entries, byText };
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
  if (text === EMPTY) return { entries: [], byText: new Map() };
  if (!text.startsWith(PREFIX) || !text.endsWith(SUFFIX) || text.length < PREFIX.length + SUFFIX.length) return null;
  const body = text.slice(PREFIX.length, text.length - SUFFIX.length);
  const pieces = body.split(SEPARATOR);
  const entries: E[] = new Array(pieces.length);
  const byText = new Map<string, E>();
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
      const parsed = codec.entrySchema.safeParse(value);
      if (!parsed.success) return null;
      entry = parsed.data;
    }
    entries[i] = entry;
    byText.set(frag, entry);
  }
  return { entries, byText };
}

/** Parses and validates an index file's text; a string is the reason it is corrupt. */
export function parseIndex<E extends object>(
  codec: IndexCodec<E>,
  text: string,
  previous: Map<string, E> | undefined,
): ParsedIndex<E> | string {
  const fast = parseCanonical(codec, text, previous);
  if (fast) return fast;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const parsed = codec.schema.safeParse(value);
  if (!parsed.success) return 'does not match the index schema';
  return { entries: parsed.data.sessions, byText: new Map() };
}

import type { LinePrefilter } from './types.js';

/** True when ASCII case folding alone decides a case-insensitive match of `text`. */
const ASCII = /^[\x20-\x7e]*$/;

/**
 * The raw-line prefilter for a literal text search, or null when the raw line
 * cannot decide (the caller then parses every line).
 *
 * A string value holding `text` holds it, in the line's JSON, in its escaped
 * form: JSON.stringify and serde_json escape the same characters the same way
 * (`"` `\` and control characters; non-ASCII written as UTF-8), and escaping
 * is per character, so escape(text) is a substring of escape(value).
 * Case-insensitive matching is ASCII-only in the prefilter, so a text with
 * non-ASCII characters is only prefiltered when the match is case-sensitive.
 */
export function textPrefilter(text: string, caseSensitive: boolean): LinePrefilter | null {
  if (text === '') return null;
  const escaped = JSON.stringify(text).slice(1, -1);
  if (!caseSensitive && !ASCII.test(escaped)) return null;
  return { needles: [escaped], ignoreCase: !caseSensitive };
}

/** Lines of these event types: their `"type":"…"` value as it appears in the JSON text. */
export function typePrefilter(types: readonly string[]): LinePrefilter | null {
  if (types.length === 0) return null;
  return { needles: types.map((t) => JSON.stringify(t)), ignoreCase: false };
}

import { parseOversizeLine } from '../../tail/oversize-line.js';
import type { ParsedEvent } from './types.js';

/** Longest raw text kept in a parse_warning; provider lines can be megabytes. */
export const MAX_RAW_CHARS = 16_384;

export type JsonLineResult = { ok: true; value: Record<string, unknown> } | { ok: false; warning: ParsedEvent };

/**
 * Parses one provider line leniently: a line that is not a JSON object becomes
 * one parse_warning holding the raw text, never an exception; so does a line
 * the reader cut for its length (an oversize marker, see tail/oversize-line.ts). Blank lines are
 * reported as `null` (nothing to say).
 */
export function parseJsonLine(line: string, source: ParsedEvent[0] = 'provider_file'): JsonLineResult | null {
  if (line.trim() === '') return null;
  const over = parseOversizeLine(line);
  if (over !== null) {
    const message = `line of ${over.bytes} bytes is longer than the line limit: skipped, its first bytes are in raw`;
    return { ok: false, warning: parseWarning(source, message, over.head) };
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { ok: false, warning: parseWarning(source, `invalid JSON: ${(err as Error).message}`, line) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, warning: parseWarning(source, 'line is not a JSON object', line) };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function parseWarning(source: ParsedEvent[0], message: string, raw: string): ParsedEvent {
  const kept = raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
  return [source, { type: 'parse_warning', message, raw: kept }];
}

/** Small typed accessors for untrusted records: wrong types read as undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
export const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
/** A non-negative integer token count, or 0. */
export const count = (v: unknown): number => {
  const n = num(v);
  return n !== undefined && n > 0 ? Math.floor(n) : 0;
};

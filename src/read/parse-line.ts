import { parseLogEvent, type AgentLogEvent } from '../schema/index.js';

export type LineParse =
  | { kind: 'event'; event: AgentLogEvent }
  | { kind: 'blank' }
  | { kind: 'not-json'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * Parses one log line. JSON.parse keeps the last of duplicate keys, which is
 * what zag's usage_limit_hit lines need (serde writes `provider` twice, both
 * times with the envelope's value).
 */
export function parseLine(line: string): LineParse {
  if (line.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { kind: 'not-json', reason: err instanceof Error ? err.message : String(err) };
  }
  const parsed = parseLogEvent(value);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.error.replace(/\s*\n\s*/g, '; ') };
  return { kind: 'event', event: parsed.event };
}

import { SessionLogError } from '../errors.js';

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
/** A calendar date or a date-time; bare dates are midnight UTC (Date.parse's rule for ISO dates). */
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A `since`/`until` bound in epoch milliseconds: an ISO 8601 date or date-time
 * (`2026-11-28`, `2026-11-28T10:00:00Z`), a Date, or a time ago (`30m`, `1h`,
 * `2d`, `3w`). Anything else is ERR_INVALID_OPTION naming the option.
 */
export function parseTimeBound(value: string | Date | undefined, option: string, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isNaN(t)) throw new SessionLogError('ERR_INVALID_OPTION', `${option}: invalid Date`);
    return t;
  }
  const rel = RELATIVE.exec(value.trim());
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!;
  if (ISO.test(value.trim())) {
    const t = Date.parse(value.trim());
    if (!Number.isNaN(t)) return t;
  }
  throw new SessionLogError(
    'ERR_INVALID_OPTION',
    `${option}: '${value}' is neither an ISO date/time (2026-11-28, 2026-11-28T10:00:00Z) nor a time ago (30m, 1h, 2d, 3w)`,
  );
}

/** [since, until] in epoch ms, checked to be in order. */

/** True when an event time is inside the range (an event without a readable time is outside any bounded range). */
export function inRange(range: TimeRange, ts: unknown): boolean {
  if (range.since === undefined && range.until === undefined) return true;
  const t = typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (Number.isNaN(t)) return false;
  return (range.since === undefined || t >= range.since) && (range.until === undefined || t <= range.until);
}

export interface TimeRange {
  since: number | undefined;
  until: number | undefined;
}

export function timeRange(since: string | Date | undefined, until: string | Date | undefined, now = Date.now()): TimeRange {
  const range = { since: parseTimeBound(since, 'since', now), until: parseTimeBound(until, 'until', now) };
  if (range.since !== undefined && range.until !== undefined && range.since > range.until) {
    throw new SessionLogError('ERR_INVALID_OPTION', 'since is later than until');
  }
  return range;
}

/**
 * Events may carry a provider's time a little after the end the index
 * records (clocks of two processes), so a session is only skipped when it
 * ended more than this before the range.
 */
const SPAN_SLACK_MS = 3600e3;

/**
 * True when a session can hold events in the range. Only its end can exclude
 * it: events carry their provider record's time, which may be well before the
 * session's `started_at` (a live session that picks up earlier records), so a
 * late start never does.
 */
export function spanOverlaps(range: TimeRange, endedAt: string | null): boolean {
  const end = endedAt ? Date.parse(endedAt) : NaN;
  return range.since === undefined || Number.isNaN(end) || end + SPAN_SLACK_MS >= range.since;
}

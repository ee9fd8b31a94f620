import { SessionLogError } from '../errors.js';

/** RFC 3339 date-time: full date, time with optional fraction, and a zone (Z or ±hh:mm). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Validates a caller-given event time and returns it as the log writes every
 * `ts`: RFC 3339 UTC with milliseconds (`2026-11-28T19:00:00.123Z`). Anything
 * that is not an RFC 3339 date-time with a zone, or names no real moment
 * (month 13, 25 o'clock, year > 9999 once in UTC), is ERR_INVALID_EVENT.
 */
export function normalizeEventTime(ts: unknown): string {
  const m = typeof ts === 'string' ? RFC3339.exec(ts) : null;
  const ms = m ? Date.parse(ts as string) : Number.NaN;
  if (!m || Number.isNaN(ms) || !realDate(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) {
    throw new SessionLogError('ERR_INVALID_EVENT', `invalid ts ${JSON.stringify(ts)}: expected an RFC 3339 date-time with a zone`);
  }
  const text = new Date(ms).toISOString();
  if (text.length !== 24) {
    throw new SessionLogError('ERR_INVALID_EVENT', `invalid ts ${JSON.stringify(ts)}: outside the years 0000-9999 in UTC`);
  }
  return text;
}

/** Date.parse rolls 2025-02-30 over to March; a log must not. */
function realDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

import { SessionLogError } from '../errors.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time given as an ISO 8601 date/time (`2026-11-30`,
 * `2026-11-30T08:00:00Z`) or as a duration before `now` (`90s`, `15m`, `1h`,
 * `2d`, `3w`). Rejects anything else with ERR_INVALID_OPTION.
 */
export function parseTimeArg(text: string, now = Date.now()): number {
  const rel = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]!]!;
  const abs = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(abs)) {
    throw new SessionLogError('ERR_INVALID_OPTION', `'${text}' is not a time: give an ISO date/time or 30m, 1h, 2d, 3w`);
  }
  return abs;
}

import { SessionLogError } from '../errors.js';

const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** `since`/`until` values: a Date, an ISO time, or a duration back from now (`30m`, `1h`, `2d`, `3w`). */
export function toTime(value: Date | string | undefined, name: string, now = Date.now()): string | null {
  if (value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new SessionLogError('ERR_INVALID_OPTION', `invalid ${name}: not a valid Date`);
    return value.toISOString();
  }
  const rel = /^(\d+)([smhdw])$/.exec(value.trim());
  if (rel) return new Date(now - Number(rel[1]) * UNIT_MS[rel[2]!]!).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t)) {
    throw new SessionLogError('ERR_INVALID_OPTION', `invalid ${name} ${JSON.stringify(value)}: use an ISO time or 30m, 1h, 2d, 3w`);
  }
  return new Date(t).toISOString();
}

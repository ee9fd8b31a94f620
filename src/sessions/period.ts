import { SessionLogError } from '../errors.js';

export type Period = 'day' | 'week' | 'month';

/**
 * Calendar keys of event times in one time zone: `2026-11-28` (day), the
 * Monday of the ISO week (week), `2026-11` (month). Formatting through Intl
 * is slow next to the rest of a usage line, so keys are cached per minute of
 * `ts` (every time zone offset is a whole number of minutes).
 */
export class PeriodKeys {
  readonly #format: Intl.DateTimeFormat;
  readonly #cache = new Map<string, string>();
  readonly #period: Period;

  constructor(period: Period, timeZone: string) {
    this.#period = period;
    try {
      this.#format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' });
    } catch {
      throw new SessionLogError('ERR_INVALID_OPTION', `unknown time zone '${timeZone}' (an IANA name such as Europe/Paris, or UTC)`);
    }
  }

  /** The key of an RFC 3339 time, or undefined for an unreadable one. */
  of(ts: string): string | undefined {
    const minute = ts.slice(0, 16);
    const cached = this.#cache.get(minute);
    if (cached !== undefined && ts.endsWith('Z')) return cached;
    const t = Date.parse(ts);
    if (Number.isNaN(t)) return undefined;
    const key = this.#key(t);
    if (ts.endsWith('Z')) {
      if (this.#cache.size > 100_000) this.#cache.clear();
      this.#cache.set(minute, key);
    }
    return key;
  }

  #key(t: number): string {
    const parts: Record<string, string> = {};
    for (const p of this.#format.formatToParts(t)) parts[p.type] = p.value;
    const ymd = `${parts.year}-${parts.month}-${parts.day}`;
    if (this.#period === 'day') return ymd;
    if (this.#period === 'month') return ymd.slice(0, 7);
    const back = WEEKDAY_FROM_MONDAY[parts.weekday ?? 'Mon'] ?? 0;
    const monday = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) - back));
    return monday.toISOString().slice(0, 10);
  }
}

const WEEKDAY_FROM_MONDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

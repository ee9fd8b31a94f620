import type { Transcript } from './model.js';

/**
 * Times in a transcript: in one named time zone (UTC unless asked), written
 * out with the zone, since an exported file is read on other machines.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for an unknown zone: the caller's mistake, said early.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** `{ date: 'YYYY-MM-DD', time: 'HH:MM:SS' }` of a timestamp in `timeZone`; null when unreadable. */
export function stampParts(ts: string | null | undefined, timeZone: string): { date: string; time: string } | null {
  if (!ts) return null;
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return null;
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(d)) parts[p.type] = p.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}` };
}

/** `YYYY-MM-DD HH:MM:SS`, or the raw text when it is not a time. */
export function formatStamp(ts: string | null | undefined, timeZone: string): string {
  const p = stampParts(ts, timeZone);
  return p ? `${p.date} ${p.time}` : (ts ?? '-');
}

/** Checks a time zone name, so a typo fails before anything is written. */
export function checkTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** Times on each item: the time of day, with the date too when the session spans days. */
export function stamper(t: Transcript, timeZone: string): (ts: string | undefined) => string {
  const a = stampParts(t.startedAt, timeZone);
  const b = stampParts(t.endedAt, timeZone);
  const withDate = a === null || b === null || a.date !== b.date;
  return (ts) => {
    const p = stampParts(ts, timeZone);
    if (!p) return ts ?? '';
    return withDate ? `${p.date} ${p.time}` : p.time;
  };
}

import { statSync } from 'node:fs';
import type { ParsedEvent } from './types.js';

/**
 * The one place where an event made from a provider record gets its time
 * (see docs/time-semantics.md). Every parser of every provider, live or
 * historical, goes through here, so a live capture and the import of the same
 * file agree on `ts`.
 *
 * The rule, per file:
 * 1. an event takes its record's own time, when the record has a readable one;
 * 2. otherwise the time of the nearest EARLIER record of the file that had one;
 * 3. otherwise (nothing timed before it) the time of the nearest LATER one: such
 *    events are held back until a timed record arrives;
 * 4. a file with no readable time at all gives its modification time to the
 *    held events, at the end of input ({@link stampWithFileTime}, done by the
 *    readers because parsers do no I/O).
 * The import time (the clock) is never used.
 */

/** Date-time at the start of a provider time; the rest is left to Date.parse. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
/** An explicit zone at the end: Z or ±hh:mm / ±hhmm. */
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
/** What toISOString gives for years 0000–9999 (anything else is not RFC 3339). */
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A provider record's time as RFC 3339 UTC with milliseconds, or undefined
 * when it is missing or unreadable. Accepts ISO 8601 date-times (one without a
 * zone is read as UTC, so the result does not depend on the machine's zone)
 * and epoch milliseconds.
 */
export function recordTime(value: unknown): string | undefined {
  let ms: number;
  if (typeof value === 'string') {
    const s = value.trim();
    if (!ISO_DATE_TIME.test(s)) return undefined;
    ms = Date.parse(HAS_ZONE.test(s) ? s : `${s}Z`);
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    ms = value;
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return undefined;
  const text = d.toISOString();
  return RFC3339_UTC.test(text) ? text : undefined;
}

/**
 * Applies the rule above to one file's events as a parser produces them.
 * A parser calls {@link note} with each record's raw time before mapping the
 * record, and passes what it produced through {@link stamp}; {@link end} at
 * the end of input gives back the events still held (only when the file had
 * no readable time at all), without a time.
 * An event that already carries a time (a parser may give an event the time
 * of an earlier record it belongs to) keeps it.
 */
export class RecordClock {
  #last: string | undefined;
  #held: ParsedEvent[] = [];

  /** The latest readable time seen in the file so far. */
  get last(): string | undefined {
    return this.#last;
  }

  #raw: unknown;
  #rawTs: string | undefined;

  /** Notes the time of the record being read; returns it normalized (undefined when unreadable). */
  note(raw: unknown): string | undefined {
    // Neighbouring records often share their time: parse it once.
    if (raw !== this.#raw || raw === undefined) {
      this.#raw = raw;
      this.#rawTs = recordTime(raw);
    }
    const ts = this.#rawTs;
    if (ts !== undefined) this.#last = ts;
    return ts;
  }

  /**
   * Times `events` (in place) and returns those ready to emit, held ones
   * first. Only {@link note} moves the file's clock: an event a parser timed
   * itself (with an earlier record's time) does not change what the next
   * untimed event gets.
   */
  stamp(events: ParsedEvent[]): ParsedEvent[] {
    let out = events;
    if (this.#held.length > 0) {
      out = this.#held;
      this.#held = [];
      for (const e of events) out.push(e);
    }
    let fill = this.#last;
    for (let i = 0; i < out.length; i++) {
      const e = out[i]!;
      if (e[2] !== undefined) continue;
      if (fill === undefined) {
        // Nothing timed before it in the file: the nearest later time, once there is one.
        fill = out.find((x, j) => j > i && x[2] !== undefined)?.[2];
        if (fill === undefined) {
          this.#held = out.slice(i);
          return out.slice(0, i);
        }
      }
      out[i] = [e[0], e[1], fill];
    }
    return out;
  }

  /** End of input: stamps `events` and releases what is still held (untimed: the file has no time). */
  end(events: ParsedEvent[]): ParsedEvent[] {
    const out = this.stamp(events);
    if (this.#held.length === 0) return out;
    const held = this.#held;
    this.#held = [];
    return [...held, ...out];
  }
}

/** A file's modification time as RFC 3339 UTC, or undefined when it cannot be read. */
export function fileTime(path: string): string | undefined {
  try {
    return recordTime(statSync(path).mtimeMs);
  } catch {
    return undefined;
  }
}

/**
 * The last step of the rule, for readers: events left without a time (their
 * file has no readable time at all) get the file's modification time. The
 * file is looked at only when such an event exists.
 */
export function stampWithFileTime(events: ParsedEvent[], path: string): ParsedEvent[] {
  let mtime: string | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e[2] !== undefined) continue;
    mtime ??= fileTime(path);
    if (mtime === undefined) return events;
    events[i] = [e[0], e[1], mtime];
  }
  return events;
}

import { SessionLogError } from '../errors.js';
import { sourceFor } from './folder-source.js';
import { PeriodKeys } from './period.js';
import { BUNDLED_PRICES, type PriceTable } from './prices.js';
import { inRange, spanOverlaps, timeRange } from './time-range.js';
import type { LinePrefilter, ScopeOptions, SessionInfo } from './types.js';
import { UsageTally, usageOf, type UsageRecord, type UsageTotals } from './usage-tally.js';

export type UsageGroupBy = 'day' | 'week' | 'month' | 'session' | 'model' | 'provider';
export const USAGE_GROUPS: readonly UsageGroupBy[] = ['day', 'week', 'month', 'session', 'model', 'provider'];

export interface UsageReportOptions extends ScopeOptions {
  groupBy: UsageGroupBy;
  /** Usage at or after this time: ISO date/time, Date, or a time ago (`1h`, `2d`, `3w`). */
  since?: string | Date;
  until?: string | Date;
  /** IANA time zone for day/week/month (default: the system's). */
  timeZone?: string;
  /** Prices for usage without a cost of its own (default: the bundled, dated table). */
  prices?: PriceTable;
}

/** One group's totals. */
export interface UsageReportRow extends UsageTotals {
  /** The day (`2026-11-28`), the week's Monday, the month (`2026-11`), the session id, the model or the provider. */
  key: string;
  models: string[];
  providers: string[];
  /** Sessions that contributed usage to the group. */
  sessions: number;
  /** With groupBy `session`: the session. */
  session?: SessionInfo;
}

export interface UsageReport {
  group_by: UsageGroupBy;
  time_zone: string;
  since: string | null;
  until: string | null;
  /** The date of the price table used for usage without its own cost. */
  prices_as_of: string;
  rows: UsageReportRow[];
  totals: UsageTotals;
}

const UNKNOWN_MODEL = '(unknown)';

/** Only usage lines and the line that names the session's model are parsed; the rest are skipped unread. */
const PREFILTER: LinePrefilter = { needles: ['"usage"', '"session_started"'], ignoreCase: false };

interface Group {
  tally: UsageTally;
  models: Set<string>;
  providers: Set<string>;
  sessions: Set<string>;
  session?: SessionInfo;
}

/**
 * Token totals and cost, grouped by day, week, month (in `timeZone`),
 * session, model or provider, over the usage events in [since, until].
 * Streams every log once with a raw-line prefilter (memory: one chunk plus
 * the groups). Bad options reject with ERR_INVALID_OPTION before any read.
 */
export async function usageReport(options: UsageReportOptions): Promise<UsageReport> {
  const groupBy = options.groupBy;
  if (!USAGE_GROUPS.includes(groupBy)) {
    throw new SessionLogError('ERR_INVALID_OPTION', `groupBy must be one of ${USAGE_GROUPS.join(', ')}, not '${String(groupBy)}'`);
  }
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const periods = groupBy === 'day' || groupBy === 'week' || groupBy === 'month' ? new PeriodKeys(groupBy, timeZone) : null;
  if (!periods && options.timeZone !== undefined) new PeriodKeys('day', timeZone); // validates it all the same
  const range = timeRange(options.since, options.until);
  const prices = options.prices ?? BUNDLED_PRICES;
  const { signal } = options;
  const groups = new Map<string, Group>();
  const source = await sourceFor(options);
  for await (const session of source.sessions(signal)) {
    if (!spanOverlaps(range, session.ended_at)) continue;
    let sessionModel: string | undefined;
    for await (const batch of source.lines(session, PREFILTER, signal)) {
      for (const line of batch) {
        let e: (UsageRecord & { type?: unknown; ts?: unknown; provider?: unknown }) | null;
        try {
          e = JSON.parse(line) as typeof e;
        } catch {
          continue;
        }
        if (e === null || typeof e !== 'object') continue;
        if (e.type === 'session_started') {
          const m = (e as { model?: unknown }).model;
          if (typeof m === 'string' && m !== '') sessionModel ??= m;
          continue;
        }
        if (e.type !== 'usage' || !inRange(range, e.ts)) continue;
        const u = usageOf(e, sessionModel, prices);
        const provider = typeof e.provider === 'string' ? e.provider : session.provider;
        const key =
          groupBy === 'session'
            ? session.wrapper_session_id
            : groupBy === 'model'
              ? (u.model ?? UNKNOWN_MODEL)
              : groupBy === 'provider'
                ? provider
                : periods!.of(typeof e.ts === 'string' ? e.ts : '');
        if (key === undefined) continue;
        let g = groups.get(key);
        if (!g) {
          g = { tally: new UsageTally(), models: new Set(), providers: new Set(), sessions: new Set() };
          if (groupBy === 'session') g.session = session;
          groups.set(key, g);
        }
        g.tally.add(u.tokens, u.cost);
        if (u.model !== undefined) g.models.add(u.model);
        g.providers.add(provider);
        // A store's sessions are keyed by machine and id (their log paths are other machines' and may repeat).
        g.sessions.add(session.machine !== undefined ? `${session.machine}\0${session.wrapper_session_id}` : session.log_path);
      }
    }
    if (signal?.aborted) throw new SessionLogError('ERR_ABORTED', 'usage report aborted', { cause: signal.reason });
  }
  const total = new UsageTally();
  const rows: UsageReportRow[] = [];
  for (const [key, g] of groups) {
    total.merge(g.tally);
    rows.push({
      key,
      ...g.tally.totals(),
      models: [...g.models].sort(),
      providers: [...g.providers].sort(),
      sessions: g.sessions.size,
      ...(g.session ? { session: g.session } : {}),
    });
  }
  // Periods sort as text; sessions in the order they started (the source's); the rest by key.
  if (groupBy !== 'session') rows.sort((a, b) => a.key.localeCompare(b.key));
  return {
    group_by: groupBy,
    time_zone: timeZone,
    since: range.since !== undefined ? new Date(range.since).toISOString() : null,
    until: range.until !== undefined ? new Date(range.until).toISOString() : null,
    prices_as_of: prices.as_of,
    rows,
    totals: total.totals(),
  };
}

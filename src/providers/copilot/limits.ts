import type { LogEventInputOf } from '../../schema/index.js';
import { num, str } from '../shared/index.js';

/**
 * Copilot usage/rate-limit detection for `session.error` records.
 *
 * Copilot CLI logs a limit as
 * `session.error {errorType:"rate_limit", statusCode:429, errorCode?, message:"… try again in 3h0m0s."}`.
 * `errorType:"quota"` (premium requests used up) is a limit too. `context_limit`
 * is NOT: it is the context window, not an account limit.
 */

/** Known `errorCode`s and the scope zag gives them (`user_global_rate_limited:<plan>` included). */
const CODE_SCOPES: ReadonlyArray<[string, string]> = [
  ['user_weekly_rate_limited', 'weekly'],
  ['user_global_rate_limited', 'global'],
  ['rate_limited', 'session'],
];

function scopeFromCode(code: string | undefined): string | undefined {
  if (!code) return undefined;
  for (const [key, scope] of CODE_SCOPES) {
    if (code === key || code.startsWith(`${key}:`)) return scope;
  }
  return undefined;
}

/** True when a `session.error`'s data describes a rate or usage limit. */
export function isLimitError(data: Record<string, unknown>): boolean {
  const type = str(data.errorType)?.toLowerCase();
  if (type === 'rate_limit' || type === 'quota' || type === 'usage_limit') return true;
  if (num(data.statusCode) === 429) return true;
  return scopeFromCode(str(data.errorCode)) !== undefined;
}

const UNIT_SECONDS: Record<string, number> = {
  d: 86_400,
  day: 86_400,
  days: 86_400,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
};

// "in 3h0m0s" (Go's Duration format, what Copilot writes) or "in 2 hours 30 minutes".
const IN_DURATION = /\bin\s+((?:\d+(?:\.\d+)?\s*(?:days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b\s*(?:and\s+)?)+)/i;
const PART = /(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b/gi;
const GO_PART = /(\d+(?:\.\d+)?)(h|m|s)/gi;

/** Seconds in the first "in <duration>" phrase of `message`, if any. */
export function relativeResetSeconds(message: string): number | undefined {
  const go = /\bin\s+((?:\d+(?:\.\d+)?[hms])+)\b/i.exec(message);
  const spec = go?.[1];
  if (spec) {
    let total = 0;
    for (const m of spec.matchAll(GO_PART)) total += Number(m[1]) * (UNIT_SECONDS[m[2]!.toLowerCase()] ?? 0);
    return total;
  }
  const words = IN_DURATION.exec(message)?.[1];
  if (!words) return undefined;
  let total = 0;
  for (const m of words.matchAll(PART)) total += Number(m[1]) * (UNIT_SECONDS[m[2]!.toLowerCase()] ?? 0);
  return total;
}

/**
 * Builds the usage_limit_hit for a limit error. Pure: the reset time is taken
 * relative to the record's own timestamp (not the clock), and the incident id
 * comes from the record id, so a live capture and a backfill agree.
 */
export function limitHitEvent(
  data: Record<string, unknown>,
  recordId: string,
  timestamp: string | undefined,
): LogEventInputOf<'usage_limit_hit'> {
  const message = str(data.message) ?? '';
  const lower = message.toLowerCase();
  const scope =
    scopeFromCode(str(data.errorCode)) ??
    (lower.includes('weekly')
      ? 'weekly'
      : lower.includes('daily')
        ? 'daily'
        : str(data.errorType) === 'quota'
          ? 'unknown'
          : 'session');
  const event: LogEventInputOf<'usage_limit_hit'> = {
    type: 'usage_limit_hit',
    provider: 'copilot',
    scope,
    fallback_used: false,
    incident_id: `copilot-${recordId}`,
    raw: data,
  };
  const secs = relativeResetSeconds(message);
  const base = timestamp ? Date.parse(timestamp) : Number.NaN;
  if (secs !== undefined && Number.isFinite(base)) {
    const reset = new Date(base + secs * 1000);
    if (Number.isFinite(reset.getTime())) event.reset_at = reset.toISOString();
  }
  return event;
}

import type { LogEventInputOf } from '../../schema/index.js';
import { num, obj, str } from '../shared/index.js';

/** A usage-limit signal found in one record. */
export interface LimitSignal {
  scope: string;
  resetAt?: string;
  raw: unknown;
}

const LIMIT_TEXT = /(?:hit|reached) (?:your |the )?usage limit|usage[_ ]limit[_ ](?:exceeded|reached)/i;

function scopeOf(slot: 'primary' | 'secondary', windowMinutes: number | undefined): string {
  if (windowMinutes !== undefined) {
    if (windowMinutes <= 6 * 60) return 'session';
    if (windowMinutes <= 24 * 60) return 'daily';
    if (windowMinutes >= 7 * 24 * 60) return 'weekly';
  }
  return slot === 'primary' ? 'session' : 'weekly';
}

function epochToIso(seconds: number): string | undefined {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * `token_count.rate_limits`: a window at 100 % (or a non-null
 * `rate_limit_reached_type`) means the account is out of quota. The reset time
 * comes from `resets_at` (epoch seconds) or, in older versions,
 * `resets_in_seconds` counted from the record's own timestamp (never the clock,
 * so a live capture and a backfill agree).
 */
export function rateLimitSignal(rateLimits: unknown, recordTs: string | undefined): LimitSignal | undefined {
  const rl = obj(rateLimits);
  if (!rl) return undefined;
  for (const slot of ['primary', 'secondary'] as const) {
    const w = obj(rl[slot]);
    const used = num(w?.used_percent);
    if (!w || used === undefined || used < 100) continue;
    return { scope: scopeOf(slot, num(w.window_minutes)), resetAt: resetOf(w, recordTs), raw: rl };
  }
  const reached = str(rl.rate_limit_reached_type);
  if (reached) return { scope: /week/i.test(reached) ? 'weekly' : 'session', raw: rl };
  return undefined;
}

function resetOf(w: Record<string, unknown>, recordTs: string | undefined): string | undefined {
  const at = num(w.resets_at);
  if (at !== undefined) return epochToIso(at);
  const inSecs = num(w.resets_in_seconds);
  const base = recordTs ? Date.parse(recordTs) : NaN;
  if (inSecs !== undefined && !Number.isNaN(base)) return new Date(base + inSecs * 1000).toISOString();
  return undefined;
}

/** `codex_error_info` is a string (`"usage_limit_exceeded"`) or an object keyed by the kind. */
function errorKind(info: unknown): string | undefined {
  const s = str(info);
  if (s) return s;
  const o = obj(info);
  return o ? Object.keys(o)[0] : undefined;
}

/**
 * An error record (`task_complete.error`, `event_msg error`, `turn.failed`):
 * a usage limit when `codex_error_info` says so or the message has Codex's
 * wording ("You've hit your usage limit… try again at 11:03 PM"; the time is
 * local to an unknown zone, so it is kept in `raw`, not guessed into reset_at).
 */
export function errorLimitSignal(error: Record<string, unknown>, known: LimitSignal | undefined): LimitSignal | undefined {
  const kind = errorKind(error.codex_error_info);
  const message = str(error.message) ?? '';
  const isLimit = kind === 'usage_limit_exceeded' || kind === 'usage_limit_reached' || LIMIT_TEXT.test(message);
  if (!isLimit) return undefined;
  return { scope: known?.scope ?? 'session', resetAt: known?.resetAt, raw: error };
}

export function limitEvent(signal: LimitSignal, incidentId: string): LogEventInputOf<'usage_limit_hit'> {
  const event: LogEventInputOf<'usage_limit_hit'> = {
    type: 'usage_limit_hit',
    provider: 'codex',
    scope: signal.scope,
    incident_id: incidentId,
    raw: signal.raw,
  };
  if (signal.resetAt) event.reset_at = signal.resetAt;
  return event;
}

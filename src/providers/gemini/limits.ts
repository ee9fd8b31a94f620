import type { LogEventInputOf } from '../../schema/index.js';

/**
 * Gemini CLI writes no structured rate-limit record. A 429 / quota error shows
 * up, if at all, as the text of an `error` or `info` message ("[API Error: …
 * code: 429 … RESOURCE_EXHAUSTED …]", "Quota exceeded …", "You've hit the API
 * rate limit"). These are zag's patterns plus the quota wording.
 */
const LIMIT_PATTERNS: RegExp[] = [
  /\bcode["']?\s*:\s*429\b/i,
  /\bstatus(?:Code)?["']?\s*:\s*429\b/i,
  /\b429\b[^\n]{0,40}(?:too many requests|rate limit|quota)/i,
  /RESOURCE_EXHAUSTED/,
  /RATE_LIMIT_EXCEEDED/,
  /quota exceeded/i,
  /exceeded (?:your|the) (?:current )?quota/i,
  /you've hit the api rate limit/i,
  /usage limit reached/i,
  // The CLI's own notice when it falls back to another model ("You have reached your daily … quota limit").
  /reached your [^\n]{0,60}quota/i,
  /quota (?:limit )?(?:reached|exhausted)/i,
];

const RAW_LIMIT = 4_000;

export function isUsageLimitText(text: string): boolean {
  return LIMIT_PATTERNS.some((re) => re.test(text));
}

/** zag's scope classification: the quota name (`…PerDay`) first, then the wording. */
export function limitScope(text: string): string {
  const quota = /"quota_?(?:limit|id)"\s*:\s*"([^"]+)"/i.exec(text)?.[1]?.toLowerCase() ?? '';
  const lower = text.toLowerCase();
  if (quota.includes('perday') || lower.includes('per day') || lower.includes('perday') || /\bdaily\b/.test(lower)) {
    return 'daily';
  }
  if (quota.includes('perweek') || lower.includes('per week') || lower.includes('perweek')) return 'weekly';
  return 'session';
}

/**
 * When the limit resets, from a `retryDelay` ("30s") or "retry in 27.6s",
 * counted from the record's own timestamp (never the wall clock, so a live
 * capture and a backfill of the same file agree).
 */
export function limitResetAt(text: string, recordedAt: string | undefined): string | undefined {
  if (!recordedAt) return undefined;
  const base = Date.parse(recordedAt);
  if (!Number.isFinite(base)) return undefined;
  const m =
    /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(text) ?? /retry (?:in|after) (\d+(?:\.\d+)?)\s*s(?:ec(?:ond)?s?)?\b/i.exec(text);
  if (!m?.[1]) return undefined;
  const at = base + Math.round(Number(m[1]) * 1000);
  return Number.isFinite(at) ? new Date(at).toISOString() : undefined;
}

/**
 * A usage_limit_hit for a message that reports a limit, or undefined. The
 * incident id is derived from the message id (zag draws a random one), so the
 * same file always yields the same event.
 */
export function usageLimitEvent(
  text: string,
  messageId: string,
  recordedAt: string | undefined,
): LogEventInputOf<'usage_limit_hit'> | undefined {
  if (!isUsageLimitText(text)) return undefined;
  const resetAt = limitResetAt(text, recordedAt);
  return {
    type: 'usage_limit_hit',
    provider: 'gemini',
    scope: limitScope(text),
    ...(resetAt ? { reset_at: resetAt } : {}),
    fallback_used: false,
    incident_id: `gemini:${messageId}`,
    raw: text.length > RAW_LIMIT ? text.slice(0, RAW_LIMIT) : text,
  };
}

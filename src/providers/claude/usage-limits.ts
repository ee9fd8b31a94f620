import { num, obj, str } from '../shared/index.js';

export interface ClaudeLimit {
  scope: string;
  /** RFC 3339, when the text says when the limit resets. */
  resetAt?: string;
  raw: string;
}

// Old CLIs wrote a machine-readable line as the assistant text.
const EPOCH_LIMIT = /Claude AI (?:(weekly|global) )?usage limit reached\|(\d{9,11})/;
// Subscription wording of 2.x: "You've hit your session limit · resets 9:50pm (Asia/Saigon)".
const HIT_LIMIT = /\b(?:hit|reached) your (session|weekly|daily|opus|sonnet|monthly)?\s*(?:usage )?limit\b/i;

function scopeOf(word: string | undefined): string {
  switch ((word ?? '').toLowerCase()) {
    case 'weekly':
    case 'opus':
    case 'sonnet':
      return 'weekly';
    case 'global':
      return 'global';
    case 'daily':
      return 'daily';
    default:
      return 'session';
  }
}

/** A usage limit announced by assistant text, or undefined. */
export function limitFromText(text: string): ClaudeLimit | undefined {
  const epoch = EPOCH_LIMIT.exec(text);
  if (epoch) {
    const seconds = Number(epoch[2]);
    return { scope: scopeOf(epoch[1]), resetAt: new Date(seconds * 1000).toISOString(), raw: text };
  }
  const hit = HIT_LIMIT.exec(text);
  if (hit) return { scope: scopeOf(hit[1]), raw: text };
  return undefined;
}

/**
 * A limit signalled by an API-error record (`isApiErrorMessage` assistant
 * lines, `system/api_error` retries): `error: "rate_limit"` or HTTP 429.
 * Other API errors (auth, overload, billing) are not limits.
 */
export function limitFromApiError(record: Record<string, unknown>, text: string): ClaudeLimit | undefined {
  const fromText = limitFromText(text);
  if (fromText) return fromText;
  const nested = obj(record.error);
  const error = str(record.error) ?? str(obj(nested?.error)?.type) ?? str(nested?.type);
  const status =
    num(record.apiErrorStatus) ?? num(record.status) ?? num(record.error_status) ?? num(nested?.status);
  if (error === 'rate_limit' || error === 'rate_limit_error' || status === 429) {
    return { scope: 'session', raw: text };
  }
  return undefined;
}

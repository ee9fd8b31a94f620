import type { LogEventInput } from '../../schema/index.js';
import { count } from '../shared/index.js';

/**
 * Gemini's `tokens` come from usageMetadata: `input` is the whole prompt
 * including `cached`; `thoughts` and `tool` are counted apart from `output`.
 * Mapped like Claude's usage so sums across providers mean the same thing:
 * input_tokens = uncached prompt (+ tool-use prompt), cache_read_tokens =
 * cached, output_tokens = output + thoughts (both billed as output). The
 * three add up to Gemini's own `total`.
 */
export function usageEvent(tokens: Record<string, unknown>, model?: string): LogEventInput {
  const input = count(tokens['input']);
  const cached = Math.min(count(tokens['cached']), input);
  return {
    type: 'usage',
    input_tokens: safe(input - cached + count(tokens['tool'])),
    output_tokens: safe(count(tokens['output']) + count(tokens['thoughts'])),
    ...(cached > 0 ? { cache_read_tokens: safe(cached) } : {}),
    ...(model !== undefined ? { model } : {}),
  };
}

/** Absurd counts in a damaged file must not make the event invalid (the schema wants safe integers). */
const safe = (n: number): number => Math.min(n, Number.MAX_SAFE_INTEGER);

import { UsageError } from './errors.js';

/** Edit distance (insert, delete, substitute), for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The allowed value closest to `value`, if it is close enough to be a typo. */
export function closest(value: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const a of allowed) {
    const d = distance(value.toLowerCase(), a.toLowerCase());
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(value.length / 3))) return best;
  // `warning` for `warn`, `tool` for `tool_call`: a longer or shorter spelling of the same word.
  const lower = value.toLowerCase();
  return allowed.find((a) => a.length >= 3 && lower.length >= 3 && (lower.startsWith(a) || a.startsWith(lower)));
}

/**
 * Checks the values of an option against its allowed values. An unknown one
 * is a usage error (exit 2) naming the closest allowed value, never an empty
 * success: a typo in `--type` would otherwise silently match nothing.
 */
export function checkChoices(option: string, values: readonly string[] | undefined, allowed: readonly string[], command: string): void {
  for (const v of values ?? []) {
    if (allowed.includes(v)) continue;
    const hint = closest(v, allowed);
    const help = hint ? `did you mean '${hint}'?` : `one of: ${allowed.join(', ')}`;
    throw new UsageError(`unknown --${option} value '${v}' (${help})`, command);
  }
}

import { UsageError } from './errors.js';

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest allowed value, when it is close enough to be a typo. */
export function closest(value: string, allowed: readonly string[]): string | undefined {
  const v = value.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = a.startsWith(v) && v.length >= 3 ? 0 : distance(v, a);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Rejects a value outside `allowed` as bad usage (exit 2), with a "did you
 * mean" hint: a typo must never turn into an empty, successful result.
 */
export function checkChoices(option: string, values: readonly string[] | undefined, allowed: readonly string[], command: string): void {
  for (const v of values ?? []) {
    if (allowed.includes(v)) continue;
    const hint = closest(v, allowed);
    const tail = hint ? `; did you mean '${hint}'?` : ` (one of ${allowed.join(', ')})`;
    throw new UsageError(`unknown --${option} value '${v}'${tail}`, command);
  }
}

import type { Paint } from './style.js';
import { inert } from './inert.js';

/**
 * A boxed table the way ccusage prints its reports: a header row, one row per
 * group, a bold total row; numeric columns right-aligned. Cells may hold
 * several lines (e.g. one model per line).
 */
export function renderBoxTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { numeric: readonly boolean[]; total?: readonly string[]; paint: Paint },
): string[] {
  const { paint, numeric } = options;
  const all = options.total ? [...rows, options.total] : rows;
  // Cells hold model names and other provider text: control characters are shown, never sent (inert.ts).
  const linesOf = (c: string): string[] => c.split('\n').map((l) => inert(l));
  const cells = (r: readonly string[]): string[][] => r.map(linesOf);
  const widths = header.map((h, i) => Math.max(h.length, ...all.flatMap((r) => linesOf(r[i] ?? '').map((l) => l.length))));
  const rule = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const line = (r: readonly string[], style?: 'bold' | 'cyan'): string[] => {
    const split = cells(r);
    const height = Math.max(1, ...split.map((c) => c.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      const parts = widths.map((w, i) => {
        const text = split[i]?.[k] ?? '';
        const padded = numeric[i] ? text.padStart(w) : text.padEnd(w);
        return ` ${style ? paint(style, padded) : padded} `;
      });
      out.push(`│${parts.join('│')}│`);
    }
    return out;
  };
  const out = [rule('┌', '┬', '┐'), ...line(header, 'cyan')];
  for (const r of rows) out.push(rule('├', '┼', '┤'), ...line(r));
  if (options.total) out.push(rule('├', '┼', '┤'), ...line(options.total, 'bold'));
  out.push(rule('└', '┴', '┘'));
  return out;
}

/** 1234567 → "1,234,567". */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** Dollars with two decimals; "-" when unknown; a trailing "*" when part of the tokens could not be priced. */
export function formatCost(cost: number | null, unpricedTokens: number): string {
  if (cost === null) return '-';
  return `$${cost.toFixed(2)}${unpricedTokens > 0 ? '*' : ''}`;
}

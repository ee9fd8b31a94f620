import type { Paint } from './style.js';
import { inert } from './inert.js';

/**
 * A plain text table: a header row, columns padded to their widest cell, the
 * last column left unpadded so long paths do not add trailing spaces.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], paint: Paint): string[] {
  // Cells hold ids, paths and titles from provider files: control characters are shown, never sent (inert.ts).
  rows = rows.map((r) => r.map((c) => inert(c)));
  // A loop, not Math.max(...column): a spread of every row overflows the stack for a large table.
  const widths = header.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, (r[i] ?? '').length);
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [paint('bold', line(header))];
  for (const r of rows) out.push(line(r));
  return out;
}

import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One step of a real run's `_run/growth.jsonl` for one file. */
export interface GrowthStep {
  event: 'create' | 'append' | 'rewrite';
  size: number;
}

/** The recorded steps of `file` (its path under the run's home) in `growthPath`, in order. */
export function growthOf(growthPath: string, file: string): GrowthStep[] {
  const steps: GrowthStep[] = [];
  for (const line of readFileSync(growthPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { file?: string; event?: string; size?: number };
    if (r.file !== file || typeof r.size !== 'number') continue;
    if (r.event === 'create' || r.event === 'append' || r.event === 'rewrite') steps.push({ event: r.event, size: r.size });
  }
  return steps;
}

/**
 * Makes `dest` grow as the real file did: the final content `source` cut at
 * each recorded size, in order (appends add the new bytes, a create or a
 * rewrite writes the whole prefix). `between` runs after each step, so a live
 * capture can read every intermediate state.
 */
export async function replayGrowth(source: string, dest: string, steps: GrowthStep[], between: () => Promise<void>): Promise<void> {
  const bytes = readFileSync(source);
  mkdirSync(dirname(dest), { recursive: true });
  let written = 0;
  for (const step of steps) {
    if (step.event === 'append' && step.size >= written) {
      appendFileSync(dest, bytes.subarray(written, step.size));
    } else {
      writeFileSync(dest, bytes.subarray(0, step.size));
    }
    written = step.size;
    await between();
  }
  if (written !== bytes.length) throw new Error(`growth of ${dest} ends at ${written} bytes, the final file has ${bytes.length}`);
}

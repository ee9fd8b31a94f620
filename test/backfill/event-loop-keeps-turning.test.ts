import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeHistoricalLogAdapter, runBackfill, type HistoricalLogAdapter } from '../../src/index.js';
import { tempDir } from './helpers/fs.js';

const FIXTURE = fileURLToPath(
  new URL('../fixtures/claude/real/interactive-multi-tool/.claude/projects/-tmp-realcli-claude-tui-project/75b53ae1-0356-4bfd-a98c-c5f8dd4a1bb6.jsonl', import.meta.url),
);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('asl-backfill-turns-'));
});
afterEach(() => cleanup());

/**
 * History import reads, parses and writes with synchronous calls in bounded
 * steps; between steps it must let the event loop run, or timers (an abort
 * timeout, a progress display) and I/O callbacks would wait for the whole run.
 */
describe('runBackfill keeps the event loop turning', () => {
  it('a timer armed when the first session arrives fires while the import runs, not after it', async () => {
    const project = join(dir, 'home', '.claude', 'projects', '-tmp-p');
    await mkdir(project, { recursive: true });
    const n = 400;
    for (let i = 0; i < n; i++) {
      await copyFile(FIXTURE, join(project, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}.jsonl`));
    }
    // A timer armed when the adapter yields its first session; the wrapper passes sessions on unchanged.
    const inner = new ClaudeHistoricalLogAdapter({ home: join(dir, 'home') });
    let yielded = 0;
    let yieldedWhenTimerFired = -1;
    const adapter: HistoricalLogAdapter = {
      provider: inner.provider,
      async *backfill(root, options) {
        for await (const s of inner.backfill(root, options)) {
          if (++yielded === 1) setTimeout(() => (yieldedWhenTimerFired = yielded), 0);
          yield s;
        }
      },
    };
    const result = await runBackfill(join(dir, 'logs'), null, [adapter]);
    expect(result).toMatchObject({ imported: n, failed: [], skippedFiles: [] });
    expect(yieldedWhenTimerFired).toBeGreaterThanOrEqual(1);
    expect(yieldedWhenTimerFired).toBeLessThan(n);
  });
});

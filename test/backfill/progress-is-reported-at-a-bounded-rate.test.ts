import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBackfill, type BackfillProgress } from '../../src/index.js';
import { JsonlTestAdapter, messages, sessionFile } from './helpers/jsonl-adapter.js';
import { tempDir } from './helpers/fs.js';

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let logs: string;
const N = 120;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  src = join(dir, 'home', 'alpha');
  logs = join(dir, 'logs');
  await mkdir(src, { recursive: true });
  for (let i = 0; i < N; i++) await writeFile(join(src, `s${i}.jsonl`), sessionFile(`s${i}`, messages(20)));
});
afterEach(() => cleanup());

describe('runBackfill: progress', () => {
  it('reports scanning, importing and done with exact totals, at most once per 100 ms in between', async () => {
    let bytes = 0;
    for (let i = 0; i < N; i++) bytes += (await stat(join(src, `s${i}.jsonl`))).size;
    const reports: BackfillProgress[] = [];
    const times: number[] = [];
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)], {
      onProgress: (p) => {
        reports.push(p);
        times.push(Date.now());
      },
    });

    expect(reports[0]!.phase).toBe('scanning');
    const phases = [...new Set(reports.map((r) => r.phase))];
    expect(phases).toEqual(['scanning', 'importing', 'done']);
    const last = reports.at(-1)!;
    expect(last).toEqual({ phase: 'done', filesDone: N, filesTotal: N, bytesDone: bytes, bytesTotal: bytes, sessions: N });
    const importing = reports.filter((r) => r.phase === 'importing');
    expect(importing[0]!.filesTotal).toBe(N); // the scan knew the totals before the first import
    for (let i = 1; i < importing.length; i++) expect(importing[i]!.filesDone).toBeGreaterThanOrEqual(importing[i - 1]!.filesDone);

    // 120 sessions would give over a hundred calls unthrottled; throttled: one per 100 ms, plus the 3 phase starts
    const elapsed = times.at(-1)! - times[0]!;
    expect(reports.length).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 4);
  });

  it('a second run reports every file as done without importing', async () => {
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)]);
    let last: BackfillProgress | undefined;
    await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)], { onProgress: (p) => (last = p) });
    expect(last).toMatchObject({ phase: 'done', filesDone: N, filesTotal: N, sessions: N });
  });

  it('a callback that throws does not break the import', async () => {
    const result = await runBackfill(logs, null, [new JsonlTestAdapter('alpha', src)], {
      onProgress: () => {
        throw new Error('bad progress bar');
      },
    });
    expect(result).toMatchObject({ imported: N, failed: [], skippedFiles: [] });
  });
});

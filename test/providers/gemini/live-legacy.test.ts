import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backfillOf, fakeHome, runLive } from './live-helpers.js';
import { fixtureFiles } from './scan.js';
import { legacySnapshots } from './snapshots.js';

const SCRIPT = fileURLToPath(new URL('./rewrite-snapshots.mjs', import.meta.url));
const legacy = fixtureFiles().filter((f) => f.path.endsWith('.json'));

/** Rewrites `dest` once per snapshot from a real child process. */
function rewrite(texts: string[], dest: string, mode: 'atomic' | 'inplace', seed: number): Promise<void> {
  const list = `${dest}.snapshots`;
  writeFileSync(list, JSON.stringify(texts));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, list, dest, mode, String(seed), '25'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rewrite-snapshots exited ${code}: ${stderr}`))));
  });
}

describe('GeminiLiveLogAdapter on legacy whole-file sessions rewritten snapshot by snapshot', () => {
  it('has legacy fixtures', () => expect(legacy.length).toBeGreaterThan(0));

  for (const file of legacy) {
    for (const mode of ['atomic', 'inplace'] as const) {
      it(`${file.name}, ${mode} rewrites: the live events equal the backfill of the final file, no warnings`, async () => {
        const { home, chats, cleanup } = fakeHome();
        try {
          const final = readFileSync(file.path, 'utf8');
          // Pretty-printed with 2 spaces, as Gemini wrote it; the last one is the fixture byte for byte.
          const texts = [...legacySnapshots(JSON.parse(final)).map((d) => JSON.stringify(d, null, 2)), final];
          const dest = join(chats, basename(file.path));
          const live = await runLive(home, () => rewrite(texts, dest, mode, mode === 'atomic' ? 7 : 8));
          const expected = await backfillOf(home, basename(file.path));
          expect(expected.length).toBeGreaterThan(10);
          expect(live.events.filter((e) => e['type'] === 'parse_warning')).toEqual([]);
          expect(live.events).toEqual(expected);
        } finally {
          cleanup();
        }
      });
    }
  }
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureHome } from '../../scripts/fixture-home.mjs';
import { defaultHistoricalAdapters, loadGlobalIndex, loadIndex, projectNameOf, runBackfill } from '../../src/index.js';

let tmp: string;
let home: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'asl-global-import-'));
  home = path.join(tmp, 'home');
  await buildFixtureHome(home);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function expectGlobalMatchesProject(logs: string, globalDir: string): Promise<void> {
  const project = (await loadIndex(logs)).sessions;
  const global = (await loadGlobalIndex(globalDir)).sessions;
  expect(global.map((g) => g.session_id).sort()).toEqual(project.map((e) => e.wrapper_session_id).sort());
  const byId = new Map(project.map((e) => [e.wrapper_session_id, e]));
  for (const g of global) {
    const e = byId.get(g.session_id)!;
    expect(g).toEqual({
      session_id: e.wrapper_session_id,
      project: projectNameOf(logs),
      log_path: e.log_path,
      provider: e.provider,
      started_at: e.started_at,
    });
  }
}

describe('runBackfill with globalIndexDir', () => {
  it('records every imported session in sessions_index.json, in a worker thread or not', async () => {
    for (const inWorker of [true, false]) {
      const logs = path.join(tmp, `proj-${inWorker}`, 'logs');
      const globalDir = path.join(tmp, `zag-${inWorker}`);
      const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }), { globalIndexDir: globalDir, inWorker });
      expect(result.imported).toBeGreaterThan(10);
      await expectGlobalMatchesProject(logs, globalDir);
    }
  });

  it('adds sessions an earlier run imported without it, and leaves the global index alone without it', async () => {
    const logs = path.join(tmp, 'earlier', 'logs');
    const globalDir = path.join(tmp, 'zag-earlier');
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect((await loadGlobalIndex(globalDir)).sessions).toEqual([]);
    const again = await runBackfill(logs, null, defaultHistoricalAdapters({ home }), { globalIndexDir: globalDir });
    expect(again.imported).toBe(0);
    await expectGlobalMatchesProject(logs, globalDir);
  });
});

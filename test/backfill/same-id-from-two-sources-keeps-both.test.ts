/**
 * Issue #13, "no silent overwrites": two sources that yield the same session
 * id (the same id in two Claude project folders, or from two providers) are
 * both kept, under distinct names that every run finds again, and a rerun with
 * nothing changed imports nothing.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultHistoricalAdapters, runBackfill } from '../../src/index.js';
import { JsonlTestAdapter, messages, sessionFile } from './helpers/jsonl-adapter.js';
import { readIndex, readLog, readState, sessionFiles, tempDir } from './helpers/fs.js';

const ID = '5b1c0c3e-7d1a-4f7e-9a51-0d6f2b8c9e11';

let dir: string;
let cleanup: () => Promise<void>;
let home: string;
let logs: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  home = join(dir, 'home');
  logs = join(dir, 'logs');
});
afterEach(() => cleanup());

/** A one-prompt Claude session file with `text` as its prompt. */
function claudeSession(cwd: string, text: string): string {
  const rec = {
    type: 'user',
    sessionId: ID,
    cwd,
    uuid: `u-${text}`,
    parentUuid: null,
    timestamp: '2026-01-02T03:04:05.000Z',
    message: { role: 'user', content: text },
  };
  return JSON.stringify(rec) + '\n';
}

async function userTexts(path: string): Promise<unknown[]> {
  return (await readLog(path)).filter((e) => e.type === 'user_message').map((e) => e['content']);
}

describe('runBackfill: one session id from two sources', () => {
  it('keeps both Claude sessions of one id in two project folders, and a rerun imports nothing', async () => {
    const a = join(home, '.claude', 'projects', '-work-a');
    const b = join(home, '.claude', 'projects', '-work-b');
    await mkdir(a, { recursive: true });
    await mkdir(b, { recursive: true });
    await writeFile(join(a, `${ID}.jsonl`), claudeSession('/work/a', 'prompt in a'));
    await writeFile(join(b, `${ID}.jsonl`), claudeSession('/work/b', 'prompt in b'));
    const adapters = defaultHistoricalAdapters({ home }).filter((x) => x.provider === 'claude');

    const first = await runBackfill(logs, null, adapters);
    expect(first.imported).toBe(2);
    expect(first.failed).toEqual([]);

    const files = await sessionFiles(logs);
    expect(files).toHaveLength(2);
    expect(files).toContain(`${ID}.jsonl`);
    const other = files.find((f) => f !== `${ID}.jsonl`)!;
    expect(other).toMatch(new RegExp(`^${ID}-[0-9a-f]{8}\\.jsonl$`));
    const texts = [...(await userTexts(join(logs, 'sessions', `${ID}.jsonl`))), ...(await userTexts(join(logs, 'sessions', other)))];
    expect(texts.sort()).toEqual(['prompt in a', 'prompt in b']);

    // The index says which log holds which file; both keep the provider's own id.
    const index = await readIndex(logs);
    expect(index).toHaveLength(2);
    const bySource = new Map(index.map((e) => [e.source_paths[0], e]));
    const forA = bySource.get(join(a, `${ID}.jsonl`))!;
    const forB = bySource.get(join(b, `${ID}.jsonl`))!;
    expect(forA.provider_session_id).toBe(ID);
    expect(forB.provider_session_id).toBe(ID);
    expect(new Set([forA.wrapper_session_id, forB.wrapper_session_id])).toEqual(new Set([ID, other.slice(0, -'.jsonl'.length)]));
    const textOf = async (e: typeof forA): Promise<unknown[]> => userTexts(join(logs, 'sessions', `${e.wrapper_session_id}.jsonl`));
    expect(await textOf(forA)).toEqual(['prompt in a']);
    expect(await textOf(forB)).toEqual(['prompt in b']);

    // The state has each under its own key, with its own file.
    const state = await readState(logs);
    const keys = Object.keys(state.sources ?? {}).filter((k) => k.startsWith(`claude:${ID}`));
    expect(keys).toHaveLength(2);
    const before = await Promise.all(files.map((f) => readFile(join(logs, 'sessions', f), 'utf8')));

    for (let run = 0; run < 3; run++) {
      const again = await runBackfill(logs, null, adapters);
      expect(again).toMatchObject({ imported: 0, skipped: 2, failed: [] });
    }
    expect(await sessionFiles(logs)).toEqual(files);
    expect(await Promise.all(files.map((f) => readFile(join(logs, 'sessions', f), 'utf8')))).toEqual(before);
  });

  it('keeps the same id from two providers apart, under names that stay the same when one changes', async () => {
    await mkdir(join(home, 'alpha'), { recursive: true });
    await mkdir(join(home, 'beta'), { recursive: true });
    await writeFile(join(home, 'alpha', 's1.jsonl'), sessionFile('s1', messages(2, 'alpha')));
    await writeFile(join(home, 'beta', 's1.jsonl'), sessionFile('s1', messages(3, 'beta')));
    const adapters = [new JsonlTestAdapter('alpha', join(home, 'alpha')), new JsonlTestAdapter('beta', join(home, 'beta'))];

    const first = await runBackfill(logs, null, adapters);
    expect(first).toMatchObject({ imported: 2, failed: [] });
    const files = await sessionFiles(logs);
    expect(files).toHaveLength(2);
    expect(files).toContain('s1.jsonl');
    const betaName = files.find((f) => f !== 's1.jsonl')!.slice(0, -'.jsonl'.length);
    expect(betaName).toMatch(/^s1-[0-9a-f]{8}$/);
    const alphaLog = await readLog(join(logs, 'sessions', 's1.jsonl'));
    const betaLog = await readLog(join(logs, 'sessions', `${betaName}.jsonl`));
    expect(alphaLog.every((e) => e['provider'] === 'alpha' && e['wrapper_session_id'] === 's1')).toBe(true);
    expect(betaLog.every((e) => e['provider'] === 'beta' && e['wrapper_session_id'] === betaName)).toBe(true);
    expect(betaLog.filter((e) => e.type === 'user_message' || e.type === 'assistant_message')).toHaveLength(3);
    const index = await readIndex(logs);
    expect(index.map((e) => [e.wrapper_session_id, e.provider, e.provider_session_id]).sort()).toEqual([
      ['s1', 'alpha', 's1'],
      [betaName, 'beta', 's1'],
    ]);

    expect(await runBackfill(logs, null, adapters)).toMatchObject({ imported: 0, skipped: 2, failed: [] });

    // The second source grows: it is re-imported under the same name, the first log is left alone.
    const alphaBefore = await readFile(join(logs, 'sessions', 's1.jsonl'), 'utf8');
    await writeFile(join(home, 'beta', 's1.jsonl'), sessionFile('s1', messages(5, 'beta')));
    expect(await runBackfill(logs, null, adapters)).toMatchObject({ imported: 1, skipped: 1, failed: [] });
    expect(await sessionFiles(logs)).toEqual(files);
    expect(await readFile(join(logs, 'sessions', 's1.jsonl'), 'utf8')).toBe(alphaBefore);
    const grown = await readLog(join(logs, 'sessions', `${betaName}.jsonl`));
    expect(grown.filter((e) => e.type === 'user_message' || e.type === 'assistant_message')).toHaveLength(5);
    expect(await readIndex(logs)).toHaveLength(2);
  });
});

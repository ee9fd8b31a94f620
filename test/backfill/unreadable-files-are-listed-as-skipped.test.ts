import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from '../helpers/dist.js';
import { tempDir } from '../helpers/tmp.js';
import { runCli } from '../cli/helpers/run.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/**
 * A home holding one real session per provider, plus, in each provider's
 * folder, files its adapter cannot read as a session.
 */
async function homeWithStrangers(): Promise<{ home: string; strangers: string[] }> {
  const home = tempDir('asl-skipped-home-');
  for (const p of ['claude', 'codex', 'copilot', 'gemini']) {
    await cp(join(FIXTURES, p, 'real', 'print-list-files'), home, { recursive: true });
  }
  const claudeProject = join(home, '.claude', 'projects', (await readdir(join(home, '.claude', 'projects')))[0]!);
  const codexDay = join(home, '.codex', 'sessions', '2026', '11', '28');
  const geminiChats = join(home, '.gemini', 'tmp', 'project', 'chats');
  const strangers = [
    join(claudeProject, 'notes.txt'),
    join(codexDay, 'rollout-notes.md'),
    join(geminiChats, 'README'),
    join(geminiChats, 'session-2026-11-28T20-00-cafebabe.json'),
    join(home, '.copilot', 'session-state', 'empty-session', 'events.jsonl'),
    join(home, '.copilot', 'history-session-state', 'old.txt'),
  ];
  await writeFile(strangers[0]!, 'my notes\n');
  await writeFile(strangers[1]!, '# not a rollout\n');
  await writeFile(strangers[2]!, 'hello\n');
  // Named like a chat, but a JSON document that is no session (no sessionId).
  await writeFile(strangers[3]!, JSON.stringify({ hello: 'world' }));
  await mkdir(join(home, '.copilot', 'session-state', 'empty-session'), { recursive: true });
  await writeFile(join(home, '.copilot', 'session-state', 'empty-session', 'workspace.yaml'), 'id: empty-session\n');
  await mkdir(join(home, '.copilot', 'history-session-state'), { recursive: true });
  await writeFile(strangers[5]!, 'not json\n');
  return { home, strangers };
}

type Lib = typeof import('../../src/index.js');
/** The built package: the import's worker thread needs the .js files. */
let lib: Lib;

describe('files no adapter understands', () => {
  beforeAll(async () => {
    lib = (await import(pathToFileURL(join(await ensureDist(), 'index.js')).href)) as Lib;
  }, 300_000);

  it('are listed in skippedFiles with a reason, by the worker-thread run and the in-thread run alike', async () => {
    const { home, strangers } = await homeWithStrangers();
    for (const inWorker of [true, false]) {
      const logs = tempDir('asl-skipped-logs-');
      const result = await lib.runBackfill(logs, null, lib.defaultHistoricalAdapters({ home }), { inWorker });
      expect(result.imported).toBe(4);
      expect(result.failed).toEqual([]);
      expect(result.skippedFiles.map((f) => f.path).sort()).toEqual([...strangers].sort());
      for (const f of result.skippedFiles) expect(f.reason).toMatch(/\w/);
    }
  }, 120_000);

  it('are listed again by a later run that has nothing to import, when their name says they are not sessions', async () => {
    const { home, strangers } = await homeWithStrangers();
    const logs = tempDir('asl-skipped-logs-');
    await lib.runBackfill(logs, null, lib.defaultHistoricalAdapters({ home }));
    const again = await lib.runBackfill(logs, null, lib.defaultHistoricalAdapters({ home }));
    expect(again).toMatchObject({ imported: 0, skipped: 4, failed: [] });
    // The Gemini chat without a session id was read once; the others are known by their names.
    const byName = strangers.filter((p) => !p.endsWith('cafebabe.json'));
    expect(again.skippedFiles.map((f) => f.path).sort()).toEqual(byName.sort());
  }, 120_000);

  it('are named in the CLI import summary, and all of them in --json', async () => {
    const { home, strangers } = await homeWithStrangers();
    const logs = tempDir('asl-skipped-logs-');
    const r = await runCli(['import', '--home', home, '--logs-dir', logs], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Imported 4 sessions, 0 unchanged, ${strangers.length} files skipped, into ${logs}\n`);
    for (const path of strangers) expect(r.stderr).toContain(`note: skipped ${path}: `);

    const json = await runCli(['import', '--home', home, '--logs-dir', tempDir('asl-skipped-logs-'), '--json'], { home });
    const summary = JSON.parse(json.stdout) as { skippedFiles: { path: string; reason: string }[] };
    expect(summary.skippedFiles.map((f) => f.path).sort()).toEqual([...strangers].sort());
  }, 120_000);
});

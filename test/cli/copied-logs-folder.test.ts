import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureHome } from '../../scripts/fixture-home.mjs';
import { ensureDist } from '../helpers/dist.js';
import { runCli } from './helpers/run.js';

interface Entry {
  wrapper_session_id: string;
  log_path: string;
  provider: string;
}

let tmp: string;
let home: string;
let original: string;
let copy: string;

beforeAll(async () => {
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-cli-copy-'));
  home = join(tmp, 'home');
  await buildFixtureHome(home);
  original = join(tmp, 'project', 'logs');
  copy = join(tmp, 'elsewhere', 'logs');
  const r = await runCli(['import', '--home', home, '--logs-dir', original, '--json'], { home });
  expect(r.code).toBe(0);
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const indexOf = (logs: string): Entry[] =>
  (JSON.parse(fs.readFileSync(join(logs, 'index.json'), 'utf8')) as { sessions: Entry[] }).sessions;

describe('import writes the global index', () => {
  it('list --all shows every imported session, with its project and log path', async () => {
    const imported = indexOf(original);
    expect(imported.length).toBeGreaterThan(10);
    const r = await runCli(['list', '--all', '--home', home, '--logs-dir', original, '--json'], { home });
    expect(r.code).toBe(0);
    const all = (JSON.parse(r.stdout) as { sessions: Array<{ session_id: string; project: string; log_path: string }> }).sessions;
    expect(all.map((s) => s.session_id).sort()).toEqual(imported.map((e) => e.wrapper_session_id).sort());
    for (const s of all) {
      expect(s.project).toBe('project');
      expect(s.log_path).toBe(join(original, 'sessions', `${s.session_id}.jsonl`));
    }
    const table = await runCli(['list', '--all', '--home', home, '--logs-dir', original], { home });
    expect(table.stdout).not.toContain('No sessions');
  });
});

describe('a copied logs folder is read where it is, not where its index points', () => {
  it('show and list read the copy after the original was altered, then deleted; rebuild-index writes the copy’s paths', async () => {
    fs.cpSync(original, copy, { recursive: true });
    const victim = indexOf(copy).find((e) => e.provider === 'claude')!;
    // The copy's index still points into the original.
    expect(victim.log_path.startsWith(original)).toBe(true);
    const copiedLog = fs.readFileSync(join(copy, 'sessions', `${victim.wrapper_session_id}.jsonl`), 'utf8');

    // Alter the original: the copy must not show it.
    fs.writeFileSync(victim.log_path, copiedLog.split('\n')[0] + '\n');
    const at = ['--home', home, '--logs-dir', copy];
    const shown = await runCli(['show', victim.wrapper_session_id, ...at, '--json'], { home });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(copiedLog);

    const listed = await runCli(['list', ...at, '--json'], { home });
    // One JSON shape for list and list --all: rows name the session by `session_id`.
    for (const e of (JSON.parse(listed.stdout) as { sessions: Array<{ session_id: string; log_path: string }> }).sessions) {
      expect(e.log_path).toBe(join(copy, 'sessions', `${e.session_id}.jsonl`));
    }

    fs.rmSync(join(tmp, 'project'), { recursive: true, force: true });
    const again = await runCli(['show', victim.wrapper_session_id, ...at, '--json'], { home });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(copiedLog);

    const before = indexOf(copy);
    const rebuilt = await runCli(['rebuild-index', ...at, '--json'], { home });
    expect(rebuilt.code).toBe(0);
    const after = indexOf(copy);
    expect(after).toHaveLength(before.length);
    for (const e of after) expect(e.log_path).toBe(join(copy, 'sessions', `${e.wrapper_session_id}.jsonl`));
    // Nothing else changed: the other fields are the copied index's.
    const strip = (es: Entry[]) =>
      new Map(es.map(({ log_path: _p, ...rest }) => [rest.wrapper_session_id, rest] as const));
    expect(strip(after)).toEqual(strip(before));
  });
});

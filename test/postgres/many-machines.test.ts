import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSessionLog } from '../../src/index.js';
import { ensureDist } from '../helpers/dist.js';
import { tempDir } from '../helpers/tmp.js';
import { freshDatabase, sql } from './helpers/db.js';
import { makeHistory } from './helpers/history.js';
import { waitFor } from './helpers/sessions.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

let url: string;
beforeAll(async () => {
  url = await freshDatabase();
  await ensureDist();
}, 300_000);

interface Proc {
  child: ChildProcess;
  out: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join(HERE, 'helpers', script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: Proc = {
    child,
    out: '',
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  let errText = '';
  child.stdout!.on('data', (d: Buffer) => (p.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (errText += d.toString()));
  p.exit.then(({ code }) => {
    if (code !== 0 && code !== null) console.error(`${script} ${args.join(' ')} exited ${code}: ${errText}`);
  });
  return p;
}

/** machine -> session -> seqs of every local log of that machine's home. */
async function localEvents(home: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const projects = path.join(home, '.zag', 'projects');
  for (const p of fs.readdirSync(projects)) {
    const dir = path.join(projects, p, 'logs', 'sessions');
    for (const f of fs.readdirSync(dir)) {
      const seqs: number[] = [];
      for await (const e of readSessionLog(path.join(dir, f))) seqs.push(e.seq);
      out.set(f.replace(/\.jsonl$/, ''), seqs);
    }
  }
  return out;
}

describe('many machines, one store', () => {
  it('4 machines record live and sync history at once, one killed mid-sync and restarted; every event lands once, and a subscriber sees each once', async () => {
    const machines = [1, 2, 3, 4].map((i) => ({ name: `machine-${i}`, home: tempDir(`asl-m${i}-`) }));
    for (const [i, m] of machines.entries()) {
      // The machine that gets killed has more history, so that the kill lands mid-sync.
      await makeHistory(path.join(m.home, '.zag', 'projects', '-hist', 'logs'), i === 3 ? 10 : 3, i === 3 ? 2000 : 300, `h${i + 1}`);
    }
    const t0 = Date.now();
    const lap = (what: string): void => console.log(`${what}: ${Date.now() - t0} ms`);
    const subscriber = run('subscriber.mjs', [], { ASL_STORE_URL: url });
    await waitFor(() => subscriber.out.includes('ready'), 'the subscriber', 60_000);

    const envOf = (m: (typeof machines)[number]): Record<string, string> => ({ HOME: m.home, ASL_STORE_URL: url, ASL_MACHINE: m.name });
    const procs = machines.map((m, i) => run('machine.mjs', [String(i + 1), '2', '300'], envOf(m)));
    const victim = procs[3]!;
    await waitFor(() => victim.out.includes('progress '), 'machine-4 to be mid-sync', 120_000);
    lap('kill');
    victim.child.kill('SIGKILL');
    expect((await victim.exit).signal).toBe('SIGKILL');
    const restarted = run('machine.mjs', ['4b', '1', '300'], envOf(machines[3]!));
    const exits = await Promise.all([...procs.slice(0, 3).map((p) => p.exit), restarted.exit]);
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0, 0]);

    lap('machines done');
    let expected = 0;
    for (const m of machines) {
      const local = await localEvents(m.home);
      const rows = await sql<{ id: string; n: string; min: string; max: string; d: string }>(
        url,
        `SELECT wrapper_session_id AS id, count(*) AS n, min(seq) AS min, max(seq) AS max, count(DISTINCT seq) AS d
         FROM agent_session_log.events WHERE machine = $1 GROUP BY 1`,
        [m.name],
      );
      expect(rows.map((r) => r.id).sort()).toEqual([...local.keys()].sort());
      for (const r of rows) {
        const seqs = local.get(r.id)!;
        expect({ id: r.id, n: Number(r.n), min: Number(r.min), max: Number(r.max), d: Number(r.d) }).toEqual({
          id: r.id,
          n: seqs.length,
          min: 1,
          max: seqs.length,
          d: seqs.length,
        });
        expected += seqs.length;
      }
    }
    const lines = (): string[] => subscriber.out.split('\n').filter((l) => l !== '' && l !== 'ready');
    await waitFor(() => lines().length >= expected, `the subscriber to see ${expected} events`, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    subscriber.child.kill('SIGTERM');
    await subscriber.exit;
    const seen = lines();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(expected);
  }, 300_000);
});

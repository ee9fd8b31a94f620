import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIndex, SessionLogWriter } from '../../src/index.js';
import { openPostgresStore, syncToStore, type SyncProgress } from '../../src/postgres/index.js';
import { collect as collectChild, runCli, startCli } from '../cli/helpers/run.js';
import { ensureDist } from '../helpers/dist.js';
import { tempDir } from '../helpers/tmp.js';
import { freshDatabase, sql } from './helpers/db.js';
import { logPathOf, makeHistory } from './helpers/history.js';
import { collect, emitMany, readAll, waitFor } from './helpers/sessions.js';

let url: string;
beforeAll(async () => {
  url = await freshDatabase();
  await ensureDist();
}, 300_000);

describe('syncToStore', () => {
  it('sends every session once; a second run sends nothing; a grown log sends only its new events', async () => {
    const logs = tempDir();
    const ids = await makeHistory(logs, 5, 300);
    await using store = await openPostgresStore({ connectionString: url, machine: 'hist' });
    const progress: SyncProgress[] = [];
    const first = await syncToStore(logs, store, { onProgress: (p) => progress.push(p), batchEvents: 500 });
    expect(first).toEqual({ sessions: 5, sessionsSent: 5, eventsSent: 5 * 302, invalidLines: 0 });
    expect(progress[0]!.phase).toBe('scanning');
    expect(progress.at(-1)).toMatchObject({ phase: 'done', sessionsDone: 5, sessionsTotal: 5, eventsSent: 1510 });
    expect(progress.some((p) => p.phase === 'sending' && p.eventsSent > 0 && p.eventsSent < 1510)).toBe(true);

    expect(await syncToStore(logs, store)).toEqual({ sessions: 5, sessionsSent: 0, eventsSent: 0, invalidLines: 0 });

    const w = await SessionLogWriter.create(logs, { provider: 'claude', wrapperSessionId: ids[2]!, command: 'run' });
    emitMany(w, 0, 10);
    await w.close();
    expect(await syncToStore(logs, store)).toMatchObject({ sessionsSent: 1, eventsSent: 10 });

    // Reading from the store gives what the folder gives.
    for (const id of ids) expect(await collect(store.readEvents(id))).toEqual(await readAll(logPathOf(logs, id)));
    const index = await loadIndex(logs);
    const listed = await store.listSessions({ machine: 'hist' });
    expect(listed.map((s) => s.wrapper_session_id).sort()).toEqual(index.sessions.map((s) => s.wrapper_session_id).sort());
    for (const e of index.sessions) {
      const s = listed.find((x) => x.wrapper_session_id === e.wrapper_session_id)!;
      expect(s).toMatchObject({ provider: e.provider, log_path: e.log_path, completeness: e.completeness, command: e.command ?? null });
      expect(Date.parse(s.started_at!)).toBe(Date.parse(e.started_at));
      expect(Date.parse(s.ended_at!)).toBe(Date.parse(e.ended_at!));
    }
    const usage = await store.usage({ groupBy: 'provider', machine: 'hist' });
    const local = { input: 0, events: 0 };
    for (const id of ids) {
      for (const e of await readAll(logPathOf(logs, id))) {
        if (e.type === 'usage') {
          local.input += e.input_tokens;
          local.events++;
        }
      }
    }
    expect(usage.reduce((n, r) => n + r.input_tokens, 0)).toBe(local.input);
    expect(usage.reduce((n, r) => n + r.events, 0)).toBe(local.events);
    const hits = await collect(store.search({ text: 'QUESTION 6 ', machine: 'hist' }));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.event.type === 'user_message' && /question 6 /.test((h.event as { content: string }).content))).toBe(true);
  });

  it('goes through staging when a live mirror already sent part of a session, and doubles nothing', async () => {
    const logs = tempDir();
    const ids = await makeHistory(logs, 2, 50, 'mixed');
    await using store = await openPostgresStore({ connectionString: url, machine: 'mixed' });
    await sql(url, `INSERT INTO agent_session_log.events (machine, wrapper_session_id, seq, ts, type, provider, source_kind, event)
      VALUES ('mixed', $1, 1, now(), 'x', 'claude', 'wrapper', '{}')`, [ids[0]]);
    const r = await syncToStore(logs, store);
    expect(r.eventsSent).toBe(2 * 52 - 1);
    const counts = await sql<{ n: string }>(url, `SELECT count(*) AS n FROM agent_session_log.events WHERE machine = 'mixed'`);
    expect(counts[0]!.n).toBe(String(2 * 52));
  });

  it('reports lines that are not events and sends the rest', async () => {
    const logs = tempDir();
    const [id] = await makeHistory(logs, 1, 5, 'broken');
    fs.appendFileSync(logPathOf(logs, id!), 'not json\n');
    await using store = await openPostgresStore({ connectionString: url, machine: 'broken' });
    expect(await syncToStore(logs, store)).toMatchObject({ eventsSent: 7, invalidLines: 1 });
  });
});

describe('CLI migrate and sync', () => {
  it('migrate --store creates the schema; sync --to sends, then sends nothing; the password never shows', async () => {
    const home = tempDir();
    const db = await freshDatabase();
    const m1 = await runCli(['migrate', '--store', db], { home });
    expect(m1.stderr).toBe('');
    expect(m1.code).toBe(0);
    expect(m1.stdout).toMatch(/schema version 1 \(applied 1\)/);
    const m2 = await runCli(['migrate', '--json'], { home, env: { ASL_STORE_URL: db } });
    expect(JSON.parse(m2.stdout)).toEqual({ applied: [], version: 1 });

    const logs = path.join(home, 'logs');
    await makeHistory(logs, 3, 20);
    const s1 = await runCli(['sync', '--to', db, '--logs-dir', logs, '--machine', 'box-1'], { home });
    expect(s1.code).toBe(0);
    expect(s1.stdout).toMatch(/Sent 66 events of 3 sessions to postgres:\/\/postgres:\*\*\*@.* as machine box-1/);
    const s2 = await runCli(['sync', '--logs-dir', logs, '--json'], { home, env: { ASL_STORE_URL: db, ASL_MACHINE: 'box-1' } });
    expect(JSON.parse(s2.stdout)).toMatchObject({ machine: 'box-1', eventsSent: 0, sessions: 3 });
    const password = new URL(db).password;
    for (const r of [m1, m2, s1, s2]) expect(r.stdout + r.stderr).not.toContain(decodeURIComponent(password));
  });

  it('sync --all sends every project of the global base', async () => {
    const home = tempDir();
    const db = await freshDatabase();
    await makeHistory(path.join(home, '.zag', 'projects', '-w-a', 'logs'), 2, 5, 'a');
    await makeHistory(path.join(home, '.zag', 'projects', '-w-b', 'logs'), 1, 5, 'b');
    const r = await runCli(['sync', '--to', db, '--all', '--machine', 'box', '--json'], { home });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ sessions: 3, eventsSent: 21 });
    const rows = await sql<{ project: string; n: string }>(db, 'SELECT project, count(*) AS n FROM agent_session_log.sessions GROUP BY 1 ORDER BY 1');
    expect(rows).toEqual([{ project: '-w-a', n: '2' }, { project: '-w-b', n: '1' }]);
  });

  it('bad store URLs and a wrong password: exit 1, one clear line, no password', async () => {
    const home = tempDir();
    const wrong = new URL(url);
    wrong.password = 'Wr0ng-Pa55';
    const r1 = await runCli(['migrate', '--store', wrong.href], { home });
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/password authentication failed/);
    expect(r1.stderr).not.toContain('Wr0ng-Pa55');
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    const r2 = await runCli(['sync', '--to', 'http://u:Wr0ng-Pa55@x/db', '--logs-dir', home], { home });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/postgres:\/\//);
    expect(r2.stderr).not.toContain('Wr0ng-Pa55');
    const r3 = await runCli(['sync', '--logs-dir', home], { home });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/--to/);
  });

  it('sync killed with SIGKILL mid-run, then run again: every event exactly once', async () => {
    const home = tempDir();
    const db = await freshDatabase();
    const logs = path.join(home, 'logs');
    const ids = await makeHistory(logs, 30, 2000, 'big');
    const total = 30 * 2002;
    const child = startCli(['sync', '--to', db, '--logs-dir', logs, '--machine', 'killed'], { home });
    const done = collectChild(child);
    let atKill = 0;
    await waitFor(async () => {
      const [row] = await sql<{ n: string }>(db, `SELECT count(*) AS n FROM agent_session_log.events`).catch(() => [{ n: '0' }]);
      atKill = Number(row!.n);
      return atKill > 0;
    }, 'the first batch', 60_000);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    expect(atKill).toBeLessThan(total);

    const again = await runCli(['sync', '--to', db, '--logs-dir', logs, '--machine', 'killed', '--json'], { home });
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as { eventsSent: number };
    const [row] = await sql<{ n: string; d: string }>(db, `SELECT count(*) AS n, count(DISTINCT (wrapper_session_id, seq)) AS d FROM agent_session_log.events`);
    expect(Number(row!.n)).toBe(total);
    expect(Number(row!.d)).toBe(total);
    expect(summary.eventsSent).toBeGreaterThan(0);
    expect(summary.eventsSent).toBeLessThanOrEqual(total - atKill);
    const gaps = await sql(db, `SELECT wrapper_session_id FROM agent_session_log.events GROUP BY 1 HAVING max(seq) <> count(*) OR min(seq) <> 1`);
    expect(gaps).toEqual([]);
    expect((await sql(db, 'SELECT 1 FROM agent_session_log.sessions')).length).toBe(ids.length);
  });
});

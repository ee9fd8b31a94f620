import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIndex, SessionLogCoordinator, SessionLogWriter } from '../../src/index.js';
import { mirrorToStore, openPostgresStore } from '../../src/postgres/index.js';
import { tempDir } from '../helpers/tmp.js';
import { freshDatabase, sql } from './helpers/db.js';
import { collect, emitMany, readAll } from './helpers/sessions.js';

let url: string;
beforeAll(async () => {
  url = await freshDatabase();
});

describe('mirrorToStore', () => {
  it('puts every event of a live writer in the store, equal to the local log, with the session row', async () => {
    const logs = path.join(tempDir(), 'projects', '-w-app', 'logs');
    await using store = await openPostgresStore({ connectionString: url, machine: 'laptop' });
    const w = await SessionLogWriter.create(logs, { provider: 'claude', wrapperSessionId: 'live-1', command: 'run', model: 'opus', workspacePath: '/w/app' });
    w.emit('wrapper', { type: 'session_started', command: 'run', model: 'opus', cwd: '/w/app', resumed: false, backfilled: false });
    const mirror = mirrorToStore(w, store);
    emitMany(w, 0, 3000);
    await w.setProviderSessionId('prov-1');
    w.emit('wrapper', { type: 'assistant_message', content: 'after the provider id' });
    await w.finish(true);
    await mirror.flush();
    await mirror.close();
    await w.close();

    const local = await readAll(w.logPath);
    expect(local).toHaveLength(3003);
    expect(await collect(store.readEvents('live-1'))).toEqual(local);
    const [s] = await store.listSessions({ machine: 'laptop' });
    expect(s).toMatchObject({
      machine: 'laptop',
      wrapper_session_id: 'live-1',
      project: '-w-app',
      provider: 'claude',
      provider_session_id: 'prov-1',
      command: 'run',
      model: 'opus',
      workspace_path: '/w/app',
      ended_at: local.at(-1)!.ts,
      events: 3003,
    });
    const [entry] = (await loadIndex(logs)).sessions;
    expect(Date.parse(s!.started_at!)).toBe(Date.parse(entry!.started_at));
    expect(mirror.state).toBe('closed');
  });

  it('mirrors a coordinator, including the session_started it wrote before the mirror was attached', async () => {
    await using store = await openPostgresStore({ connectionString: url, machine: 'laptop' });
    const c = await SessionLogCoordinator.start(tempDir(), { provider: 'codex', wrapperSessionId: 'coord-1', command: 'exec' }, { heartbeatIntervalMs: 60_000 });
    const mirror = mirrorToStore(c, store);
    emitMany(c.writer, 0, 50);
    await c.finish(true);
    await mirror.close();
    const local = await readAll(c.writer.logPath);
    expect(local[0]!.type).toBe('session_started');
    expect(await collect(store.readEvents({ machine: 'laptop', wrapper_session_id: 'coord-1' }))).toEqual(local);
  });

  it('keeps memory bounded: past maxBuffered it drops the buffer and catches up from the local log', async () => {
    await using store = await openPostgresStore({ connectionString: url, machine: 'tiny-buffer' });
    const w = await SessionLogWriter.create(tempDir(), { provider: 'gemini', wrapperSessionId: 'burst-1', command: 'run' });
    const mirror = mirrorToStore(w, store, { maxBuffered: 16, batchSize: 8 });
    emitMany(w, 0, 5000);
    await mirror.flush();
    emitMany(w, 5000, 100);
    await mirror.close();
    await w.close();
    const rows = await sql<{ n: string; min: string; max: string }>(
      url,
      `SELECT count(*) AS n, min(seq) AS min, max(seq) AS max FROM agent_session_log.events WHERE machine = 'tiny-buffer'`,
    );
    expect(rows[0]).toEqual({ n: '5100', min: '1', max: '5100' });
    expect(await collect(store.readEvents('burst-1'))).toEqual(await readAll(w.logPath));
  });

  it('reports a row that fails the schema instead of failing the read', async () => {
    const warnings: string[] = [];
    await using store = await openPostgresStore({ connectionString: url, machine: 'bad-rows', onWarning: (w) => warnings.push(w.message) });
    const w = await SessionLogWriter.create(tempDir(), { provider: 'claude', wrapperSessionId: 'bad-1', command: 'run' });
    const mirror = mirrorToStore(w, store);
    emitMany(w, 0, 5);
    await mirror.close();
    await w.close();
    await sql(url, `UPDATE agent_session_log.events SET event = event - 'content' WHERE machine = 'bad-rows' AND seq = 2`);
    const events = await collect(store.readEvents('bad-1'));
    expect(events.map((e) => e.seq)).toEqual([1, 3, 4, 5]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/bad-rows\/bad-1#2.*fails the schema/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionLogWriter } from '../../src/index.js';
import { mirrorToStore, openPostgresStore, type StoreEvent } from '../../src/postgres/index.js';
import { tempDir } from '../helpers/tmp.js';
import { freshDatabase, sql } from './helpers/db.js';
import { startPgServer, type PgServer } from './helpers/server.js';
import { emitMany, readAll, waitFor } from './helpers/sessions.js';

// This file stops and restarts its server, so it has one of its own.
let server: PgServer;
let url: string;
beforeAll(async () => {
  server = await startPgServer();
  url = await freshDatabase(server.adminUrl);
}, 120_000);
afterAll(async () => {
  await server?.dispose();
});

describe('the database stopped and restarted in the middle of a live session', () => {
  it('loses nothing, doubles nothing, reports the outage once and the return once; a subscriber sees each event once', async () => {
    await using store = await openPostgresStore({ connectionString: url, machine: 'm1' });
    await using watcher = await openPostgresStore({ connectionString: url, machine: 'watcher' });
    const seen: StoreEvent[] = [];
    const stop = new AbortController();
    const watching = (async () => {
      for await (const e of watcher.subscribe({ signal: stop.signal, pollIntervalMs: 100 })) seen.push(e);
    })();
    await new Promise((r) => setTimeout(r, 300));

    const w = await SessionLogWriter.create(tempDir(), { provider: 'claude', wrapperSessionId: 'outage-1', command: 'run' });
    const mirror = mirrorToStore(w, store, { retryMinMs: 50, retryMaxMs: 300 });
    emitMany(w, 0, 200);
    await mirror.flush();

    await server.stop();
    // Events written while the server is down, some before the mirror notices.
    emitMany(w, 200, 300);
    await waitFor(() => mirror.state === 'down', 'the mirror to notice the outage');
    for (let i = 0; i < 5; i++) {
      emitMany(w, 500 + i * 20, 20);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(mirror.state).toBe('down');
    await server.start();
    emitMany(w, 600, 100);
    await mirror.flush({ signal: AbortSignal.timeout(30_000) });
    expect(mirror.state).toBe('up');
    emitMany(w, 700, 50);
    await w.finish(true);
    await mirror.close();
    await w.close();

    const local = await readAll(w.logPath);
    const statuses = local.filter((e) => e.type === 'provider_status') as unknown as Array<{ message: string; data: { state: string } }>;
    expect(statuses.map((s) => s.data.state)).toEqual(['unreachable', 'reachable']);
    expect(statuses[0]!.message).toMatch(/session store postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/t_\w+ is not taking events: .*local log stays the source of truth/);
    expect(statuses[0]!.message).not.toContain(server.password);
    expect(statuses[1]!.message).toMatch(/reachable again: caught up \d+ events/);

    const rows = await sql<{ seq: string }>(url, `SELECT seq FROM agent_session_log.events WHERE machine = 'm1' ORDER BY seq`);
    expect(rows.map((r) => Number(r.seq))).toEqual(local.map((e) => e.seq));
    await waitFor(() => seen.length >= local.length, 'the subscriber to see every event', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    stop.abort();
    await watching;
    expect(seen.map((s) => s.event.seq).join(",")).toEqual(local.map((e) => e.seq).join(","));
    expect(seen.map((s) => s.event)).toEqual(local);
  });
});

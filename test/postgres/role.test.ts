import { describe, expect, it } from 'vitest';
import { SessionLogWriter } from '../../src/index.js';
import { mirrorToStore, openPostgresStore, syncToStore } from '../../src/postgres/index.js';
import { tempDir } from '../helpers/tmp.js';
import { freshDatabase, sql } from './helpers/db.js';
import { makeHistory } from './helpers/history.js';
import { collect, emitMany, readAll } from './helpers/sessions.js';

/** The grants of docs/postgres.md, for a role that records (mirror, sync) and reads. */
const RECORDER_GRANTS = `
CREATE ROLE asl_recorder_ROLE LOGIN PASSWORD 'rec-pw';
GRANT USAGE ON SCHEMA agent_session_log TO asl_recorder_ROLE;
GRANT SELECT, INSERT ON agent_session_log.events, agent_session_log.sessions TO asl_recorder_ROLE;
GRANT UPDATE (project, provider, provider_session_id, log_path, completeness, started_at, ended_at,
  workspace_path, command, model, source_paths, backfilled, updated_at) ON agent_session_log.sessions TO asl_recorder_ROLE;
GRANT SELECT ON agent_session_log.migrations TO asl_recorder_ROLE;
`;

describe('a least-privilege role', () => {
  it('records (mirror and sync) and reads with INSERT/SELECT (and UPDATE of session columns) only, and may not delete', async () => {
    const db = await freshDatabase();
    await (await openPostgresStore(db)).close();
    const role = `r${Date.now() % 1e8}`;
    await sql(db, RECORDER_GRANTS.replaceAll('_ROLE', role));
    const u = new URL(db);
    u.username = `asl_recorder${role}`;
    u.password = 'rec-pw';
    await using store = await openPostgresStore({ connectionString: u.href, machine: 'least' });

    const w = await SessionLogWriter.create(tempDir(), { provider: 'claude', wrapperSessionId: 'lp-1', command: 'run' });
    const mirror = mirrorToStore(w, store);
    emitMany(w, 0, 30);
    await w.finish(true);
    await mirror.close();
    await w.close();
    expect(await collect(store.readEvents('lp-1'))).toEqual(await readAll(w.logPath));
    const logs = tempDir();
    await makeHistory(logs, 2, 10);
    expect(await syncToStore(logs, store)).toMatchObject({ eventsSent: 24 });
    expect(await syncToStore(logs, store)).toMatchObject({ eventsSent: 0 });

    const denied = await store.query('x', 'DELETE FROM agent_session_log.events').then(
      () => null,
      (e: Error) => e.message,
    );
    expect(denied).toMatch(/permission denied/);
  });
});

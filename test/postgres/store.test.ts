import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSessionLogError } from '../../src/index.js';
import { LATEST_VERSION, openPostgresStore } from '../../src/postgres/index.js';
import { adminUrl, freshDatabase, sql, urlFor } from './helpers/db.js';

let url: string;
beforeAll(async () => {
  url = await freshDatabase();
});

async function failure(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('openPostgresStore: migrations', () => {
  it('creates the schema on first use of an empty database, and re-applying changes nothing', async () => {
    const empty = await freshDatabase();
    const store = await openPostgresStore(empty);
    const tables = await sql<{ table_name: string }>(
      empty,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'agent_session_log' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['events', 'migrations', 'sessions']);
    expect(await store.migrate()).toEqual({ applied: [], version: LATEST_VERSION });
    await store.close();
    await store.close();
    await using again = await openPostgresStore({ connectionString: empty, machine: 'm2' });
    expect(await again.migrate()).toEqual({ applied: [], version: LATEST_VERSION });
    const versions = await sql<{ version: number }>(empty, 'SELECT version FROM agent_session_log.migrations');
    expect(versions).toEqual([{ version: 1 }]);
  });

  it('migrates once when many processes open an empty store at the same time', async () => {
    const empty = await freshDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map((i) => openPostgresStore({ connectionString: empty, machine: `m${i}` })));
    await Promise.all(stores.map((s) => s.close()));
    expect(await sql(empty, 'SELECT version FROM agent_session_log.migrations')).toEqual([{ version: 1 }]);
  });

  it('uses the host name as machine unless ASL_MACHINE or the option says otherwise', async () => {
    await using a = await openPostgresStore({ connectionString: url, env: {} });
    expect(a.machine).toBe(os.hostname());
    await using b = await openPostgresStore({ connectionString: url, env: { ASL_MACHINE: 'ci-7' } });
    expect(b.machine).toBe('ci-7');
    await using c = await openPostgresStore({ connectionString: url, machine: 'laptop', env: { ASL_MACHINE: 'ci-7' } });
    expect(c.machine).toBe('laptop');
    await using d = await openPostgresStore({ env: { ASL_STORE_URL: url } });
    expect(d.displayUrl).not.toContain(new URL(url).password);
  });
});

describe('openPostgresStore: bad input gets clear errors without the password', () => {
  const secret = 'hunter2-Secret';

  it('rejects a string that is not a postgres URL', async () => {
    const e1 = await failure(openPostgresStore(`host=localhost password=${secret}`));
    expect(e1.code).toBe('ERR_INVALID_OPTION');
    expect(e1.message).toMatch(/invalid store URL/);
    expect(e1.message).not.toContain(secret);
    const e2 = await failure(openPostgresStore(`mysql://u:${secret}@localhost/db`));
    expect(e2.code).toBe('ERR_INVALID_OPTION');
    expect(e2.message).toMatch(/postgres:\/\//);
    expect(e2.message).not.toContain(secret);
    const e3 = await failure(openPostgresStore({ env: {} }));
    expect(e3.code).toBe('ERR_INVALID_OPTION');
    expect(e3.message).toMatch(/ASL_STORE_URL/);
    const e4 = await failure(openPostgresStore({ connectionString: url, machine: '' }));
    expect(e4.code).toBe('ERR_INVALID_OPTION');
  });

  it('says the password was refused, and never shows it', async () => {
    const u = new URL(url);
    u.password = secret;
    const e = await failure(openPostgresStore(u.href));
    expect(isSessionLogError(e, 'ERR_STORE')).toBe(true);
    expect(e.message).toMatch(/password authentication failed/);
    expect(e.message).toContain('***');
    expect(e.message).not.toContain(secret);
    expect(JSON.stringify(e.cause ?? null)).not.toContain(secret);
  });

  it('says the server is not there (connection refused), and never shows the password', async () => {
    const e = await failure(openPostgresStore(`postgres://u:${secret}@127.0.0.1:1/db`));
    expect(e.code).toBe('ERR_STORE');
    expect(e.message).toMatch(/connection refused/);
    expect(e.message).not.toContain(secret);
  });

  it('says the database does not exist', async () => {
    const e = await failure(openPostgresStore(urlFor(adminUrl(), 'no_such_db')));
    expect(e.code).toBe('ERR_STORE');
    expect(e.message).toMatch(/does not exist/);
    expect(e.message).not.toContain(new URL(adminUrl()).password);
  });
});

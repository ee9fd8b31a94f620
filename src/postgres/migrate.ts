import type { Pool, PoolClient } from 'pg';
import { SessionLogError } from '../errors.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations/index.js';

/** Any constant will do: it only has to be the same for every process migrating this database. */
const MIGRATION_LOCK = 7_210_511_034;

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was up to date). */
  applied: number[];
  /** The schema version now in the database. */
  version: number;
}

/** The schema version in the database: 0 when never migrated. */
export async function schemaVersion(client: Pool | PoolClient): Promise<number> {
  // Two queries: a table named in SQL must exist when the statement is planned.
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('agent_session_log.migrations')::text AS t`);
  if (!exists.rows[0]?.t) return 0;
  const r = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM agent_session_log.migrations');
  return Number(r.rows[0]?.v ?? 0);
}

/**
 * Applies the missing migrations under an advisory lock, so that many
 * machines opening the store at once migrate it once. Each migration runs in
 * its own transaction with its row in `migrations`.
 */
export async function applyMigrations(pool: Pool): Promise<MigrateResult> {
  if ((await schemaVersion(pool)) === LATEST_VERSION) return { applied: [], version: LATEST_VERSION };
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE SCHEMA IF NOT EXISTS agent_session_log');
      await client.query(`CREATE TABLE IF NOT EXISTS agent_session_log.migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const current = await schemaVersion(client);
      if (current > LATEST_VERSION) {
        throw new SessionLogError(
          'ERR_STORE',
          `the store's schema is version ${current}, newer than this library's ${LATEST_VERSION}: upgrade agent-session-log`,
        );
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO agent_session_log.migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
        applied.push(m.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
  return { applied, version: LATEST_VERSION };
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { loadCopyFrom } from './driver.js';
import { COPY_COLUMNS } from './rows.js';

const STAGE = 'asl_sync_stage';

/** COPY text lines into `events`, straight (the sessions had nothing) or through a staging table. */
export async function copyEvents(client: PoolClient, chunks: readonly string[], direct: boolean): Promise<number> {
  const copyFrom = await loadCopyFrom();
  if (direct) {
    const stream = client.query(copyFrom(`COPY agent_session_log.events (${COPY_COLUMNS}) FROM STDIN`));
    await pipeline(Readable.from(chunks), stream);
    return Number((stream as unknown as { rowCount?: number }).rowCount ?? 0);
  }
  // A temporary table lives as long as the connection; ON COMMIT DELETE ROWS
  // empties it after each batch.
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (
    machine text, wrapper_session_id text, seq bigint, ts timestamptz, type text, provider text,
    source_kind text, tool_name text, model text, event jsonb) ON COMMIT DELETE ROWS`);
  const stream = client.query(copyFrom(`COPY ${STAGE} (${COPY_COLUMNS}) FROM STDIN`));
  await pipeline(Readable.from(chunks), stream);
  const r = await client.query(`INSERT INTO agent_session_log.events (${COPY_COLUMNS})
    SELECT ${COPY_COLUMNS} FROM ${STAGE} ORDER BY machine, wrapper_session_id, seq
    ON CONFLICT (machine, wrapper_session_id, seq) DO NOTHING`);
  return r.rowCount ?? 0;
}

import fs from 'node:fs';
import path from 'node:path';
import { SessionLogError } from '../errors.js';
import { inspectLogTail } from '../writer/tail.js';
import { copyEvents } from './copy.js';
import { storeError } from './driver.js';
import { checkMachine } from './options.js';
import { indexEntries, logRowsAfter, projectOfLogsDir, SessionFacts } from './log-source.js';
import { copyLine } from './rows.js';
import type { PostgresStore } from './store.js';
import { upsertSessionsParams, upsertSessionsSql } from './write-sql.js';

export interface SyncProgress {
  phase: 'scanning' | 'sending' | 'done';
  sessionsTotal: number;
  sessionsDone: number;
  /** Bytes of the logs that have events to send, and how many were read. */
  bytesTotal: number;
  bytesDone: number;
  eventsSent: number;
}

export interface SyncOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** Events per transaction (default 20,000). */
  batchEvents?: number;
}

export interface SyncResult {
  /** Sessions found in the logs folders. */
  sessions: number;
  /** Sessions that had events the store lacked. */
  sessionsSent: number;
  /** Events inserted into the store. */
  eventsSent: number;
  /** Lines of the local logs that are not valid events (reported, not sent). */
  invalidLines: number;
}

interface Candidate {
  dir: string;
  id: string;
  logPath: string;
  have: number;
  size: number;
  facts: SessionFacts;
}

interface Batch {
  chunks: string[];
  current: string;
  rows: number;
  bytes: number;
  sessions: Map<string, SessionFacts>;
  /** Every session in it had nothing in the store when the sync looked. */
  direct: boolean;
}

const CHUNK_CHARS = 256 * 1024;
const BATCH_BYTES = 16 * 1024 * 1024;

/**
 * Sends every session of the logs folder(s) to the store: only the events it
 * lacks (after its highest seq for each session), with COPY, in transactions
 * of many events. Idempotent; a run that is killed leaves whole batches, and
 * the next run goes on from the store's highest seq of each session.
 */
export async function syncToStore(logsDir: string | readonly string[], store: PostgresStore, options: SyncOptions = {}): Promise<SyncResult> {
  const { signal, onProgress } = options;
  const batchEvents = options.batchEvents ?? 20_000;
  const machine = store.machine;
  checkMachine(machine);
  const dirs = typeof logsDir === 'string' ? [logsDir] : [...logsDir];
  const result: SyncResult = { sessions: 0, sessionsSent: 0, eventsSent: 0, invalidLines: 0 };
  const progress: SyncProgress = { phase: 'scanning', sessionsTotal: 0, sessionsDone: 0, bytesTotal: 0, bytesDone: 0, eventsSent: 0 };
  onProgress?.({ ...progress });

  const work: Candidate[] = [];
  for (const dir of dirs) {
    signal?.throwIfAborted();
    const ids = listSessionIds(dir);
    result.sessions += ids.length;
    if (ids.length === 0) continue;
    const entries = await indexEntries(dir);
    let have: Map<string, number>;
    try {
      have = await store.maxSeqs(ids, machine);
    } catch (err) {
      throw storeError(store.options, 'cannot read from', err);
    }
    const project = projectOfLogsDir(dir);
    for (const id of ids) {
      const logPath = path.join(dir, 'sessions', `${id}.jsonl`);
      const tail = lastSeqOf(logPath);
      if (tail === null) continue;
      const h = have.get(id) ?? 0;
      if (tail.lastSeq <= h && h > 0) continue;
      work.push({ dir, id, logPath, have: h, size: tail.size, facts: new SessionFacts(id, project, entries.get(id)) });
    }
  }
  progress.phase = 'sending';
  progress.sessionsTotal = work.length;
  progress.bytesTotal = work.reduce((n, c) => n + c.size, 0);
  onProgress?.({ ...progress });

  let batch = newBatch();
  const send = async (): Promise<void> => {
    if (batch.sessions.size === 0) return;
    finishChunk(batch);
    const sent = await writeBatch(store, machine, batch, signal);
    result.eventsSent += sent;
    progress.eventsSent = result.eventsSent;
    batch = newBatch();
    onProgress?.({ ...progress });
  };

  try {
    for (const c of work) {
      signal?.throwIfAborted();
      batch.sessions.set(c.id, c.facts);
      if (c.have > 0) batch.direct = false;
      let any = false;
      const onProblem = (): void => {
        result.invalidLines++;
      };
      for await (const { row, event, bytes } of logRowsAfter(c.logPath, c.have, onProblem, signal)) {
        c.facts.see(event);
        const line = copyLine(machine, row);
        batch.current += line;
        batch.rows++;
        batch.bytes += line.length;
        progress.bytesDone += bytes;
        any = true;
        if (batch.current.length >= CHUNK_CHARS) finishChunk(batch);
        if (batch.rows >= batchEvents || batch.bytes >= BATCH_BYTES) {
          await send();
          // The session goes on in the next batch.
          batch.sessions.set(c.id, c.facts);
          if (c.have > 0) batch.direct = false;
        }
      }
      if (any) result.sessionsSent++;
      progress.sessionsDone++;
    }
    await send();
  } catch (err) {
    if (signal?.aborted) throw new SessionLogError('ERR_ABORTED', 'sync aborted', { cause: signal.reason });
    throw err;
  }
  progress.phase = 'done';
  progress.bytesDone = progress.bytesTotal;
  onProgress?.({ ...progress });
  return result;
}

function newBatch(): Batch {
  return { chunks: [], current: '', rows: 0, bytes: 0, sessions: new Map(), direct: true };
}

function finishChunk(b: Batch): void {
  if (b.current.length > 0) b.chunks.push(b.current);
  b.current = '';
}

/** One transaction: the sessions' rows, then their events. */
async function writeBatch(store: PostgresStore, machine: string, b: Batch, signal: AbortSignal | undefined): Promise<number> {
  const sessions = [...b.sessions.values()].map((f) => f.row());
  const attempt = (direct: boolean): Promise<number> =>
    store.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        await client.query(upsertSessionsSql(1), upsertSessionsParams(machine, sessions));
        const n = b.rows > 0 ? await copyEvents(client, b.chunks, direct) : 0;
        signal?.throwIfAborted();
        await client.query('COMMIT');
        return n;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  try {
    try {
      return await attempt(b.direct);
    } catch (err) {
      // Someone (a live mirror, another sync) got there first: go through staging.
      if (b.direct && (err as { code?: string }).code === '23505') return await attempt(false);
      throw err;
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    throw storeError(store.options, 'cannot sync to', err);
  }
}

function listSessionIds(dir: string): string[] {
  try {
    return fs
      .readdirSync(path.join(dir, 'sessions'), { withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith('.jsonl'))
      .map((d) => d.name.slice(0, -'.jsonl'.length))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SessionLogError('ERR_IO', `cannot list ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

function lastSeqOf(logPath: string): { lastSeq: number; size: number } | null {
  let fd: number;
  try {
    fd = fs.openSync(logPath, 'r');
  } catch {
    return null;
  }
  try {
    const t = inspectLogTail(fd);
    return { lastSeq: t.lastSeq, size: t.size };
  } finally {
    fs.closeSync(fd);
  }
}

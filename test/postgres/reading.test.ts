import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  searchSessionLogs,
  SessionLogWriter,
  subscribeSessionLogs,
  summarizeSession,
  usageReport,
  type SessionSearchQuery,
  type SessionStreamItem,
} from '../../src/index.js';
import { mirrorToStore, openPostgresStore, syncToStore, type PostgresStore } from '../../src/postgres/index.js';
import { importFixtureHistory, type ImportedHistory } from '../sessions/helpers.js';
import { tempDir } from '../helpers/tmp.js';
import { freshDatabase, sql } from './helpers/db.js';
import { collect, emitMany, waitFor } from './helpers/sessions.js';

let url: string;
let history: ImportedHistory;
let store: PostgresStore;

beforeAll(async () => {
  url = await freshDatabase();
  history = await importFixtureHistory({ codex: true });
  store = await openPostgresStore({ connectionString: url, machine: 'laptop' });
  await syncToStore(history.logs, store);
}, 300_000);
afterAll(async () => {
  await store?.close();
  await history?.cleanup();
});

const byKey = (a: { id: string; seq: number }, b: { id: string; seq: number }): number => a.id.localeCompare(b.id) || a.seq - b.seq;

async function hits(query: SessionSearchQuery, scope: Parameters<typeof searchSessionLogs>[1]) {
  const out = [];
  for await (const { session, event } of searchSessionLogs(query, scope)) out.push({ id: session.wrapper_session_id, seq: event.seq, event });
  return out.sort(byKey);
}

describe('the cross-session functions read a store like the folder that was synced to it', () => {
  it('searchSessionLogs({ store }) finds the same events as on the folder, and names the machine', async () => {
    const queries: SessionSearchQuery[] = [
      { text: 'ls', toolKind: 'shell' },
      { types: ['user_message'] },
      { text: 'ERROR', caseSensitive: false },
      { provider: 'codex', role: 'assistant' },
      { text: '^(read|write)', regex: true },
    ];
    for (const q of queries) {
      const folder = await hits(q, { logsDir: history.logs });
      const fromStore = await hits(q, { store });
      expect(fromStore, JSON.stringify(q)).toEqual(folder);
    }
    expect((await hits({ types: ['user_message'] }, { store })).length).toBeGreaterThan(3);
    for await (const { session } of searchSessionLogs({ types: ['session_started'] }, { store })) expect(session.machine).toBe('laptop');
  });

  it('usageReport({ store }) gives the same rows and totals as on the folder', async () => {
    for (const groupBy of ['day', 'model', 'provider', 'session'] as const) {
      const folder = await usageReport({ logsDir: history.logs, groupBy, timeZone: 'UTC' });
      const fromStore = await usageReport({ store, groupBy, timeZone: 'UTC' });
      const strip = (r: typeof folder) => ({ ...r, rows: r.rows.map(({ session: _s, ...row }) => row).sort((a, b) => a.key.localeCompare(b.key)) });
      expect(strip(fromStore), groupBy).toEqual(strip(folder));
      expect(folder.totals.total_tokens).toBeGreaterThan(0);
    }
  });

  it('summarizeSession(id, { store }) equals the summary of the log file', async () => {
    const sessions = await collect(store.sessions());
    expect(sessions.length).toBeGreaterThan(3);
    for (const s of sessions) {
      expect(await summarizeSession(s.wrapper_session_id, { store }), s.wrapper_session_id).toEqual(await summarizeSession(s.log_path));
    }
  });
});

describe('subscribeSessionLogs({ store })', () => {
  it('sees the events another machine mirrors, live, each once and in order, also after its connections are cut', async () => {
    const db = await freshDatabase();
    await using reader = await openPostgresStore({ connectionString: db, machine: 'reader' });
    await using writerStore = await openPostgresStore({ connectionString: db, machine: 'ci-runner' });
    const seen: SessionStreamItem[] = [];
    const sub = subscribeSessionLogs({ store: reader, types: ['user_message', 'tool_call', 'usage'] });
    await sub.ready;
    const loop = (async () => {
      for await (const item of sub) seen.push(item);
    })();
    const logs = tempDir();
    const w = await SessionLogWriter.create(logs, { provider: 'claude', wrapperSessionId: 'live-1', command: 'run' });
    const mirror = mirrorToStore(w, writerStore, { retryMinMs: 20, retryMaxMs: 200 });
    emitMany(w, 0, 60); // 30 of the three subscribed types
    await waitFor(() => seen.length >= 30, 'the first mirrored events');

    // Cut every connection of the database: the subscription reconnects and goes on from its cursor.
    await sql(url.replace(/\/[^/]*$/, '/postgres'), 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [new URL(db).pathname.slice(1)]);
    emitMany(w, 60, 60);
    await waitFor(() => seen.length >= 60, 'the events after the reconnect');
    await mirror.flush();
    await w.close();
    await mirror.close();
    await new Promise((r) => setTimeout(r, 300));
    await sub.close();
    await loop;

    expect(seen).toHaveLength(60);
    expect(seen.every((s) => s.session.id === 'live-1' && s.session.machine === 'ci-runner')).toBe(true);
    const seqs = seen.map((s) => s.event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(60);
    expect(new Set(seen.map((s) => s.event.type))).toEqual(new Set(['user_message', 'tool_call', 'usage']));
  });

  it('replays what the store already holds with fromStart, filtered by provider', async () => {
    const ac = new AbortController();
    const seen: SessionStreamItem[] = [];
    const sub = subscribeSessionLogs({ store, fromStart: true, provider: 'codex', types: ['session_started'], signal: ac.signal });
    const codexSessions = (await collect(store.sessions())).filter((s) => s.provider === 'codex').length;
    expect(codexSessions).toBeGreaterThan(0);
    for await (const item of sub) {
      seen.push(item);
      if (seen.length === codexSessions) ac.abort();
    }
    expect(seen.every((s) => s.event.provider === 'codex' && s.session.project === 'fixture-project')).toBe(true);
  });
});

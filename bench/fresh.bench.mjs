// Fresh-process benchmarks: what a user feels. Every sample is a new Node process, as a CLI
// `import`, a wrapper process per agent session, or a program that loads the package once.
// The goal rows are the medians of at least 5 fresh processes (warm figures, from one long
// process, are in the other bench files and are secondary).
//
// 1. Start-up: `agent-session-log --version` and `import('agent-session-log')`, against a bare
//    `node -e 0` measured in the same run. Goal: each <= 2x.
// 2. Session lifecycle at 10,000 indexed sessions (create, setProviderSessionId,
//    addSourcePath, 10 emits, finish, close), the first lifecycle of a fresh process, timed
//    inside the child once the package is loaded. Baseline: the zag-style imitation (rewrite
//    the whole index on each of its 4 updates, open the log per emit), also in fresh
//    processes. Goal: <= 0.2x (real zag runs ~2.5x faster than the imitation, so this is
//    <= 0.5x real zag). Reported too: the median of 7 lifecycles in one fresh process.
// 3. Cold import: the CLI `import` of 1,000 generated Claude sessions x 20 turns in a fresh
//    process, by wall time from spawn to exit. Baseline: the zag-style runner of
//    backfill.bench.mjs (one writer per session, index rewritten per update) in a fresh
//    process. Goal: >= 10x faster.
// 4. Peak RSS of that import, the whole process's (threads included: getrusage's maxrss),
//    at 100 MB and 1 GB of history. Goal: <= 100 MB at both.
//
// Also runnable as its own child: `node fresh.bench.mjs --child <mode> ...`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedIndex } from './index.bench.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = new URL('../dist/index.js', import.meta.url).href;
const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const RSS_PRELOAD = fileURLToPath(new URL('./lib/report-rss.mjs', import.meta.url));
const MB = 1024 * 1024;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Runs a fresh Node process; resolves with its wall time, stdout, and the RSS report line if any. */
function fresh(args, { cwd = ROOT, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      const rss = /^asl-bench-rss (\d+)$/m.exec(err);
      resolve({ ms, out, maxRssBytes: rss ? Number(rss[1]) : undefined });
    });
  });
}

// ---- start-up ---------------------------------------------------------------------------

export async function startup(samples) {
  const node = [];
  const version = [];
  const load = [];
  // Interleaved, so that a burst of load on the machine hits all three alike.
  for (let i = 0; i < samples; i++) {
    node.push((await fresh(['-e', '0'])).ms);
    version.push((await fresh([BIN, '--version'])).ms);
    load.push((await fresh(['--input-type=module', '-e', `await import(${JSON.stringify(DIST)})`])).ms);
  }
  const base = median(node);
  const row = (name, xs) => ({
    name, value: median(xs), unit: 'ms', baseline: base, baselineUnit: 'ms (node -e 0)',
    ratio: median(xs) / base, goal: '<= 2x', met: median(xs) / base <= 2,
  });
  return [row('start-up: agent-session-log --version, fresh process', version), row("start-up: import('agent-session-log'), fresh process", load)];
}

// ---- lifecycle at 10,000 indexed sessions -------------------------------------------------

const EVENT = { type: 'assistant_message', content: 'y'.repeat(200), message_id: null };

async function ourLifecycle(lib, logsDir, id) {
  const w = await lib.SessionLogWriter.create(logsDir, { provider: 'claude', wrapperSessionId: id, command: 'run' });
  await w.setProviderSessionId('native');
  await w.addSourcePath('/src/x.jsonl');
  for (let i = 0; i < 10; i++) w.emit('provider_file', EVENT);
  await w.finish(true);
  await w.close();
}

let tmpCounter = 0;
function zagLoad(indexPath) {
  try {
    return JSON.parse(fs.readFileSync(indexPath, 'utf8'));
  } catch {
    return { sessions: [] };
  }
}
function zagSave(indexPath, index) {
  const tmp = join(indexPath, '..', `.index.json.${process.pid}.${tmpCounter++}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(index, null, 2));
  fs.renameSync(tmp, indexPath);
}
/** zag's lifecycle, imitated: the whole index rewritten on each of 4 updates, the log opened per emit. */
function zagLifecycle(logsDir, id) {
  const indexPath = join(logsDir, 'index.json');
  const logPath = join(logsDir, 'sessions', `${id}.jsonl`);
  const state = { provider_session_id: null, completeness: 'full' };
  let seq = 1;
  const upsert = (mutate) => {
    const index = zagLoad(indexPath);
    let e = index.sessions.find((s) => s.wrapper_session_id === id);
    if (!e) {
      e = { wrapper_session_id: id, provider: 'claude', provider_session_id: null, log_path: logPath, completeness: 'full', started_at: new Date().toISOString(), ended_at: null, workspace_path: null, command: 'run', source_paths: [], backfilled: false };
      index.sessions.push(e);
    }
    e.provider_session_id = state.provider_session_id;
    e.completeness = state.completeness;
    mutate?.(e);
    zagSave(indexPath, index);
  };
  const emit = (kind) => {
    const fd = fs.openSync(logPath, 'a');
    fs.writeSync(fd, JSON.stringify({ seq: seq++, ts: new Date().toISOString(), provider: 'claude', wrapper_session_id: id, provider_session_id: state.provider_session_id, source_kind: 'wrapper', completeness: state.completeness, ...kind }) + '\n');
    fs.closeSync(fd);
  };
  if (!fs.existsSync(logPath)) fs.closeSync(fs.openSync(logPath, 'w'));
  upsert(); // create
  state.provider_session_id = 'native';
  upsert(); // set_provider_session_id
  upsert((e) => { if (!e.source_paths.includes('/src/x.jsonl')) e.source_paths.push('/src/x.jsonl'); }); // add_source_path
  for (let i = 0; i < 10; i++) emit(EVENT);
  emit({ type: 'session_ended', success: true, error: null });
  upsert((e) => (e.ended_at = new Date().toISOString())); // finish
}

async function lifecycleChild([which, logsDir, count, prefix]) {
  const lib = which === 'ours' ? await import(DIST) : undefined;
  const times = [];
  for (let i = 0; i < Number(count); i++) {
    const t = performance.now();
    if (lib) await ourLifecycle(lib, logsDir, `${prefix}-${i}`);
    else zagLifecycle(logsDir, `${prefix}-${i}`);
    times.push(performance.now() - t);
  }
  process.stdout.write(JSON.stringify(times) + '\n');
}

export async function lifecycle(root, { entries, samples }) {
  const rows = [];
  const first = { ours: [], zag: [] };
  const dirs = {};
  for (const which of ['ours', 'zag']) {
    dirs[which] = join(root, `lifecycle-${which}`);
    seedIndex(dirs[which], entries);
  }
  for (let i = 0; i < samples; i++) {
    for (const which of ['ours', 'zag']) {
      const { out } = await fresh([SELF, '--child', 'lifecycle', which, dirs[which], '1', `cold-${i}`]);
      first[which].push(JSON.parse(out)[0]);
    }
  }
  const seven = {};
  for (const which of ['ours', 'zag']) {
    const { out } = await fresh([SELF, '--child', 'lifecycle', which, dirs[which], '7', 'seven']);
    seven[which] = median(JSON.parse(out));
  }
  const n = entries.toLocaleString('en');
  const o = median(first.ours);
  const z = median(first.zag);
  rows.push({
    name: `lifecycle at ${n} indexed sessions, first of a fresh process (median of ${samples})`,
    value: o, unit: 'ms', baseline: z, baselineUnit: 'ms (zag-style imitation, fresh process)',
    ratio: o / z, goal: '<= 0.2x', met: o / z <= 0.2,
  });
  rows.push({
    name: `lifecycle at ${n} indexed sessions, median of 7 in one fresh process`,
    value: seven.ours, unit: 'ms', baseline: seven.zag, baselineUnit: 'ms (zag-style imitation)',
    ratio: seven.ours / seven.zag, goal: null, met: null,
  });
  return rows;
}

// ---- cold import -----------------------------------------------------------------------------

async function zagImportChild([home, logsDir]) {
  const lib = await import(DIST);
  const { zagStyleBackfill } = await import('./backfill.bench.mjs');
  const n = await zagStyleBackfill(lib, logsDir, new lib.ClaudeHistoricalLogAdapter({ home }));
  process.stdout.write(JSON.stringify({ imported: n }) + '\n');
}

/** The CLI import of `home` into a new logs folder, in a fresh process; checks it imported `sessions`. */
async function cliImport(home, logsDir, sessions) {
  const r = await fresh(['--import', RSS_PRELOAD, BIN, 'import', '--home', home, '--logs-dir', logsDir, '--provider', 'claude', '--json']);
  const result = JSON.parse(r.out);
  if (result.imported !== sessions || result.failed.length > 0) throw new Error(`import: ${r.out.slice(0, 500)}`);
  return r;
}

async function coldImport(root, { sessions, turns, samples, zagSamples }) {
  const { generateClaudeHistory } = await import('./gen/claude-history.mjs');
  const home = join(root, 'import-home');
  generateClaudeHistory(home, { sessions, turns, outputBytes: 200 });
  const ours = [];
  for (let i = 0; i < samples; i++) ours.push((await cliImport(home, join(root, `import-ours-${i}`), sessions)).ms);
  const zag = [];
  for (let i = 0; i < zagSamples; i++) {
    const r = await fresh([SELF, '--child', 'zag-import', home, join(root, `import-zag-${i}`)]);
    if (JSON.parse(r.out).imported !== sessions) throw new Error(`zag-style import: ${r.out}`);
    zag.push(r.ms);
  }
  const o = median(ours);
  const z = median(zag);
  return [{
    name: `cold import of ${sessions.toLocaleString('en')} Claude sessions x ${turns} turns (CLI, fresh process, median of ${samples})`,
    value: o, unit: 'ms', baseline: z, baselineUnit: 'ms (zag-style runner, fresh process)',
    ratio: z / o, goal: '>= 10x faster', met: z / o >= 10,
  }];
}

async function importRss(root, { sizes, samples }) {
  const { generateClaudeHistory, sessionBytes } = await import('./gen/claude-history.mjs');
  const rows = [];
  for (const size of sizes) {
    const home = join(root, `rss-home-${size}`);
    // Ordinary sessions of ~400 KB: large enough that the history reaches its size quickly.
    const per = sessionBytes({ turns: 40, outputBytes: 4000 });
    const sessions = Math.max(1, Math.round((size * MB) / per));
    generateClaudeHistory(home, { sessions, turns: 40, outputBytes: 4000, seed: 3 });
    const peaks = [];
    for (let i = 0; i < samples; i++) {
      const logs = join(root, `rss-logs-${size}-${i}`);
      peaks.push((await cliImport(home, logs, sessions)).maxRssBytes);
      fs.rmSync(logs, { recursive: true, force: true });
    }
    const peak = median(peaks) / MB;
    rows.push({
      name: `cold import peak RSS (whole process), ${size >= 1024 ? `${size / 1024} GB` : `${size} MB`} history`,
      value: peak, unit: 'MB', baseline: null, ratio: null,
      goal: size >= 100 ? '<= 100 MB' : null, met: size >= 100 ? peak <= 100 : null,
    });
    fs.rmSync(home, { recursive: true, force: true });
  }
  return rows;
}

export const repeats = 1;

export async function run({ smoke = false } = {}) {
  const root = fs.mkdtempSync(join(tmpdir(), 'asl-bench-fresh-'));
  try {
    const rows = [];
    rows.push(...(await startup(smoke ? 3 : 7)));
    rows.push(...(await lifecycle(root, { entries: smoke ? 1000 : 10_000, samples: smoke ? 3 : 7 })));
    rows.push(...(await coldImport(root, smoke ? { sessions: 20, turns: 5, samples: 1, zagSamples: 1 } : { sessions: 1000, turns: 20, samples: 5, zagSamples: 3 })));
    rows.push(...(await importRss(root, smoke ? { sizes: [4], samples: 1 } : { sizes: [100, 1024], samples: 5 })));
    if (smoke) for (const r of rows) [r.goal, r.met] = [null, null];
    return rows;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [mode, ...rest] = process.argv.slice(3);
  if (mode === 'lifecycle') await lifecycleChild(rest);
  else if (mode === 'zag-import') await zagImportChild(rest);
  else throw new Error(`unknown child mode ${mode}`);
}

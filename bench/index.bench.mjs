// Index cost of a session lifecycle (imports the built package: `npm run build` first).
//
// A lifecycle is: create, setProviderSessionId, addSourcePath, 10 emits, finish
// (and close), in a logs dir whose index.json already holds 0, 1,000 or 10,000
// sessions. Baseline, measured in the same run: the same lifecycle the zag way,
// rewriting the whole index on each of create / setProviderSessionId /
// addSourcePath / finish (read, JSON.parse, modify, pretty stringify, write a
// temp file and rename it), and opening the log for every emit.
// Ours runs with its defaults (coalesced, locked index writes; fsync at finish).
//
// Medians are taken here: `repeats = 1` for the runner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repeats = 1;
const DIST = new URL('../dist/index.js', import.meta.url).href;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const EVENT = { type: 'assistant_message', content: 'y'.repeat(200), message_id: null };

export function seedIndex(logsDir, n) {
  fs.mkdirSync(path.join(logsDir, 'sessions'), { recursive: true });
  const sessions = [];
  for (let i = 0; i < n; i++) {
    sessions.push({
      wrapper_session_id: `seed-${String(i).padStart(6, '0')}-0f9c2e1a-7b3d-4c5e-9f00`,
      provider: 'claude',
      provider_session_id: `7b3d4c5e-9f00-${i}`,
      log_path: path.join(logsDir, 'sessions', `seed-${i}.jsonl`),
      completeness: 'full',
      started_at: '2026-11-28T19:00:00.000Z',
      ended_at: '2026-11-28T19:30:00.000Z',
      workspace_path: '/home/user/projects/demo',
      command: 'run',
      source_paths: [`/home/user/.claude/projects/-home-user-demo/${i}.jsonl`],
      backfilled: false,
    });
  }
  fs.writeFileSync(path.join(logsDir, 'index.json'), JSON.stringify({ sessions }, null, 2));
}

// ---- the zag way ----------------------------------------------------------
let tmpCounter = 0;
function zagLoad(indexPath) {
  if (!fs.existsSync(indexPath)) return { sessions: [] };
  try {
    return JSON.parse(fs.readFileSync(indexPath, 'utf8'));
  } catch {
    return { sessions: [] };
  }
}
function zagSave(indexPath, index) {
  const tmp = path.join(path.dirname(indexPath), `.index.json.${process.pid}.${tmpCounter++}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(index, null, 2));
  fs.renameSync(tmp, indexPath);
}
function zagLifecycle(logsDir, id) {
  const indexPath = path.join(logsDir, 'index.json');
  const logPath = path.join(logsDir, 'sessions', `${id}.jsonl`);
  const state = { provider_session_id: null, completeness: 'full' };
  let seq = 1;
  const upsert = () => {
    const index = zagLoad(indexPath);
    const e = index.sessions.find((s) => s.wrapper_session_id === id);
    if (e) Object.assign(e, { provider_session_id: state.provider_session_id, log_path: logPath, workspace_path: null, command: 'run', completeness: state.completeness, backfilled: false });
    else index.sessions.push({ wrapper_session_id: id, provider: 'claude', provider_session_id: state.provider_session_id, log_path: logPath, completeness: state.completeness, started_at: new Date().toISOString(), ended_at: null, workspace_path: null, command: 'run', source_paths: [], backfilled: false });
    zagSave(indexPath, index);
  };
  const emit = (kind) => {
    const fd = fs.openSync(logPath, 'a');
    fs.writeSync(fd, JSON.stringify({ seq: seq++, ts: new Date().toISOString(), provider: 'claude', wrapper_session_id: id, provider_session_id: state.provider_session_id, source_kind: 'wrapper', completeness: state.completeness, ...kind }) + '\n');
    fs.closeSync(fd);
  };
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  if (!fs.existsSync(logPath)) fs.closeSync(fs.openSync(logPath, 'w'));
  upsert(); // create
  state.provider_session_id = 'native';
  upsert(); // setProviderSessionId
  {
    const index = zagLoad(indexPath); // addSourcePath
    const e = index.sessions.find((s) => s.wrapper_session_id === id);
    if (e && !e.source_paths.includes('/src/x.jsonl')) {
      e.source_paths.push('/src/x.jsonl');
      zagSave(indexPath, index);
    }
  }
  for (let i = 0; i < 10; i++) emit(EVENT);
  emit({ type: 'session_ended', success: true, error: null }); // finish
  const index = zagLoad(indexPath);
  const e = index.sessions.find((s) => s.wrapper_session_id === id);
  if (e) e.ended_at = new Date().toISOString();
  zagSave(indexPath, index);
}

// ---- ours -----------------------------------------------------------------
async function ourLifecycle(lib, logsDir, id) {
  const w = await lib.SessionLogWriter.create(logsDir, { provider: 'claude', wrapperSessionId: id, command: 'run' });
  await w.setProviderSessionId('native');
  await w.addSourcePath('/src/x.jsonl');
  for (let i = 0; i < 10; i++) w.emit('provider_file', EVENT);
  await w.finish(true);
  await w.close();
}

export async function run({ smoke = false } = {}) {
  const lib = await import(DIST);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-bench-index-'));
  const rows = [];
  try {
    for (const n of smoke ? [0, 100, 1000] : [0, 1000, 10_000]) {
      const oursDir = path.join(root, `ours-${n}`);
      const zagDir = path.join(root, `zag-${n}`);
      seedIndex(oursDir, n);
      seedIndex(zagDir, n);
      const samples = n >= 10_000 ? 7 : 15;
      const ours = [];
      const zag = [];
      for (let i = 0; i < samples; i++) {
        let t = performance.now();
        await ourLifecycle(lib, oursDir, `ours-${i}`);
        ours.push(performance.now() - t);
        t = performance.now();
        zagLifecycle(zagDir, `zag-${i}`);
        zag.push(performance.now() - t);
      }
      const o = median(ours);
      const z = median(zag);
      // The goal applies at 10,000 sessions; smaller sizes (and --smoke) are reported only.
      const gated = !smoke && n === 10_000;
      rows.push({
        name: `index lifecycle at ${n.toLocaleString('en')} indexed sessions`,
        value: o, unit: 'ms',
        baseline: z, baselineUnit: 'ms (rewrite the index on each of 4 updates)',
        ratio: o / z, goal: gated ? '<= 0.5x' : null, met: gated ? o / z <= 0.5 : null,
      });
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

// Import memory at scale (issue #13, point 7): peak RSS of the whole process
// (process.resourceUsage().maxRSS, threads included) of a child that runs one runBackfill:
//   1. 100,000 tiny Claude sessions (one prompt each), first import (smoke: 2,000);
//   2. 100 new tiny sessions beside an existing index.json of 10^6 entries (smoke: 5,000).
// Goal: <= 150 MB for both. Sizes: ASL_BENCH_SCALE_SESSIONS, ASL_BENCH_SCALE_INDEX.
// Imports the built package (`npm run build` first). Data goes under os.tmpdir() and is deleted.
// Also runnable as a child of itself: `node scale.bench.mjs --child <home> <logsDir>`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repeats = 1;
const SELF = fileURLToPath(import.meta.url);
const DIST = new URL('../dist/index.js', import.meta.url).href;
const GOAL_MB = 150;

/** `n` tiny Claude sessions, 1,000 per project folder, written with plain sync writes (fast). */
function tinySessions(home, n, from = 0) {
  for (let f = Math.floor(from / 1000); f * 1000 < from + n; f++) {
    const dir = join(home, '.claude', 'projects', `-p${f}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let i = Math.max(from, f * 1000); i < Math.min(from + n, (f + 1) * 1000); i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const rec = { type: 'user', sessionId: id, cwd: '/w', uuid: `u${i}`, timestamp: '2025-01-01T00:00:00.000Z', message: { role: 'user', content: `hi ${i}` } };
      fs.writeFileSync(join(dir, `${id}.jsonl`), JSON.stringify(rec) + '\n');
    }
  }
}

/** An index.json of `n` backfilled entries in the canonical layout, written in chunks. */
function bigIndex(logsDir, n) {
  fs.mkdirSync(join(logsDir, 'sessions'), { recursive: true });
  const fd = fs.openSync(join(logsDir, 'index.json'), 'w');
  const prefix = '{\n  "sessions": [\n';
  const suffix = '\n  ]\n}';
  let chunk = prefix;
  for (let i = 0; i < n; i++) {
    const id = `old-${String(i).padStart(9, '0')}`;
    const entry = {
      wrapper_session_id: id,
      provider: 'claude',
      provider_session_id: id,
      log_path: join(logsDir, 'sessions', `${id}.jsonl`),
      completeness: 'full',
      started_at: '2025-01-01T00:00:00.000Z',
      ended_at: '2025-01-01T00:00:01.000Z',
      workspace_path: '/w',
      command: 'backfill',
      source_paths: [`/nowhere/${id}.jsonl`],
      backfilled: true,
    };
    const whole = JSON.stringify({ sessions: [entry] }, null, 2);
    chunk += (i > 0 ? ',\n' : '') + whole.slice(prefix.length, whole.length - suffix.length);
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk + suffix);
  fs.closeSync(fd);
}

function child(home, logs) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [SELF, '--child', home, logs], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    c.stdout.on('data', (d) => (text += d));
    c.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`scale child exited ${code}`))));
  });
}

async function runChild(home, logs) {
  const lib = await import(DIST);
  const t0 = Date.now();
  const r = await lib.runBackfill(logs, null, lib.defaultHistoricalAdapters({ home }));
  const out = { imported: r.imported, failed: r.failed.length, ms: Date.now() - t0, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(JSON.stringify(out));
}

export async function run({ smoke = false } = {}) {
  const sessions = smoke ? 2_000 : Number(process.env.ASL_BENCH_SCALE_SESSIONS ?? 100_000);
  const indexEntries = smoke ? 5_000 : Number(process.env.ASL_BENCH_SCALE_INDEX ?? 1_000_000);
  const dir = fs.mkdtempSync(join(tmpdir(), 'asl-bench-scale-'));
  const rows = [];
  try {
    tinySessions(join(dir, 'a', 'home'), sessions);
    const a = await child(join(dir, 'a', 'home'), join(dir, 'a', 'logs'));
    if (a.failed || a.imported !== sessions) throw new Error(`scale run: ${JSON.stringify(a)}`);
    rows.push({
      name: `backfill peak RSS, ${sessions.toLocaleString('en')} tiny sessions, first import (${a.ms} ms)`,
      value: a.maxRssMb, unit: 'MB', baseline: GOAL_MB, ratio: a.maxRssMb / GOAL_MB, goal: `<= ${GOAL_MB} MB`, met: a.maxRssMb <= GOAL_MB,
    });
    fs.rmSync(join(dir, 'a'), { recursive: true, force: true });

    bigIndex(join(dir, 'b', 'logs'), indexEntries);
    tinySessions(join(dir, 'b', 'home'), 100);
    const b = await child(join(dir, 'b', 'home'), join(dir, 'b', 'logs')).catch((err) => ({ error: err.message }));
    const ok = !b.error && b.imported === 100;
    rows.push({
      name: `backfill peak RSS, 100 new sessions beside an index of ${indexEntries.toLocaleString('en')} entries${ok ? ` (${b.ms} ms)` : ` (failed: ${b.error ?? JSON.stringify(b)})`}`,
      value: ok ? b.maxRssMb : NaN, unit: 'MB', baseline: GOAL_MB, ratio: ok ? b.maxRssMb / GOAL_MB : NaN, goal: `<= ${GOAL_MB} MB`, met: ok && b.maxRssMb <= GOAL_MB,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[2] === '--child') await runChild(process.argv[3], process.argv[4]);

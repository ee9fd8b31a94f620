// Live-capture benchmarks for SessionLogCoordinator (imports the built package: run `npm run build` first).
//
// 1. Latency: a separate process appends lines to a provider-like file at random
//    intervals; an adapter that tails it with LineTailer emits one event per line.
//    Measured: time from the append (stamped in the line) to the onLogEvent callback.
//    Baseline: the same coordinator with file watching off, polling every 250 ms
//    like zag's loop (≈125 ms on average).
// 2. Idle CPU: a coordinator with a watched file, default intervals, nothing
//    happening, in a process of its own; CPU time as a share of one core.
//
// Also runnable as a child of itself: `node coordinator.bench.mjs --append <file> <lines> <maxDelayMs>`
// and `node coordinator.bench.mjs --idle <seconds>`.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const DIST = new URL('../dist/index.js', import.meta.url).href;
const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Tails `file` and emits one assistant_message per complete line (what a provider adapter does). */
function tailAdapter(LineTailer, file, watch) {
  const tailer = new LineTailer(file);
  const drain = async (writer, flush) => {
    for (;;) {
      const { lines, more } = await tailer.read({ flush });
      for (const line of lines) writer.emit('provider_file', { type: 'assistant_message', content: line });
      if (!more) return;
    }
  };
  return {
    poll: (writer) => drain(writer, false),
    finalize: async (writer) => {
      await drain(writer, true);
      await tailer.close();
    },
    ...(watch ? { watchPaths: () => [file] } : {}),
  };
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`bench child ${args[0]} exited ${code}`))));
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Append-to-callback latencies (ms) for `lines` lines appended by another process. */
async function measureLatency(lib, { lines, maxDelayMs, watch, pollIntervalMs }) {
  const dir = mkdtempSync(join(tmpdir(), 'coord-bench-'));
  try {
    const file = join(dir, 'provider.jsonl');
    writeFileSync(file, '');
    const latencies = [];
    const c = await lib.SessionLogCoordinator.start(join(dir, 'logs'), {
      provider: 'claude', wrapperSessionId: 'bench', command: 'run',
    }, {
      liveAdapter: tailAdapter(lib.LineTailer, file, watch),
      pollIntervalMs,
      onLogEvent: (e) => {
        if (e.type === 'assistant_message') latencies.push(nowMs() - JSON.parse(e.content).t);
      },
    });
    await sleep(200); // let the watch go live (and the catch-up poll pass) before the first append
    await runChild(['--append', file, String(lines), String(maxDelayMs)]);
    const deadline = Date.now() + 5000;
    while (latencies.length < lines && Date.now() < deadline) await sleep(10);
    await c.finish(true);
    if (latencies.length !== lines) throw new Error(`saw ${latencies.length} of ${lines} lines`);
    return latencies.sort((a, b) => a - b);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run({ smoke = false } = {}) {
  const lib = await import(DIST);
  const live = await measureLatency(lib, { lines: smoke ? 20 : 300, maxDelayMs: smoke ? 10 : 40, watch: true, pollIntervalMs: 250 });
  const zag = await measureLatency(lib, { lines: smoke ? 3 : 60, maxDelayMs: smoke ? 10 : 40, watch: false, pollIntervalMs: 250 });
  const idleSecs = smoke ? 0.3 : 10;
  const idleTail = JSON.parse(await runChild(['--idle', String(idleSecs), 'tail']));
  const idleAlone = JSON.parse(await runChild(['--idle', String(idleSecs), 'noop']));

  const round = (x, d = 2) => Number(x.toFixed(d));
  const rows = [];
  for (const [p, goalMs] of [[50, 20], [99, 100]]) {
    const value = round(percentile(live, p));
    const baseline = round(percentile(zag, p));
    rows.push({
      name: `coordinator live latency p${p} (append in another process -> onLogEvent; baseline: zag-style 250 ms polling)`,
      value,
      unit: 'ms',
      baseline,
      baselineUnit: 'ms',
      ratio: round(value / baseline, 3),
      goal: `<= ${goalMs} ms`,
      met: value <= goalMs,
    });
  }
  for (const [idle, what] of [
    [idleTail, 'with a LineTailer adapter polled every 250 ms'],
    [idleAlone, 'alone (no-op adapter, file watched)'],
  ]) {
    const value = round(idle.percentOfCore, 3);
    rows.push({
      name: `coordinator idle CPU over ${idleSecs} s, ${what} (baseline: the same process after finish)`,
      value,
      unit: '% of one core',
      baseline: round(idle.baselinePercent, 3),
      baselineUnit: '% of one core',
      ratio: idle.baselinePercent > 0 ? round(value / idle.baselinePercent, 2) : null,
      goal: '<= 0.5 %',
      met: value <= 0.5,
    });
  }
  return rows;
}

async function appendMode([file, lines, maxDelayMs]) {
  const n = Number(lines);
  const max = Number(maxDelayMs);
  for (let i = 0; i < n; i++) {
    await sleep(1 + Math.floor(Math.random() * max));
    appendFileSync(file, `${JSON.stringify({ i, t: nowMs() })}\n`);
  }
}

async function cpuShare(ms) {
  const before = process.cpuUsage();
  const t0 = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
}

// Start-up work (imports, then V8's background compilation and GC, first poll,
// watch setup) is not idle time, and can take a second or two to die down.
const settleFor = (ms) => (ms < 2000 ? 200 : 2000);

async function idleMode([secs, kind]) {
  const ms = Number(secs) * 1000;
  const lib = await import(DIST);
  const dir = mkdtempSync(join(tmpdir(), 'coord-idle-'));
  const file = join(dir, 'provider.jsonl');
  writeFileSync(file, '{"warm":true}\n');
  const adapter =
    kind === 'noop' ? { poll: async () => undefined, watchPaths: () => [file] } : tailAdapter(lib.LineTailer, file, true);
  const c = await lib.SessionLogCoordinator.start(join(dir, 'logs'), {
    provider: 'claude', wrapperSessionId: 'idle', command: 'run',
  }, { liveAdapter: adapter });
  await sleep(settleFor(ms));
  const percentOfCore = await cpuShare(ms);
  await c.finish(true);
  rmSync(dir, { recursive: true, force: true });
  await sleep(300);
  // The same process idling after the coordinator is gone: the floor (the runtime's own work).
  const baselinePercent = await cpuShare(Math.min(ms, 2000));
  process.stdout.write(JSON.stringify({ percentOfCore, baselinePercent }));
}

if (process.argv[1] === SELF) {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--append') await appendMode(rest);
  else if (mode === '--idle') await idleMode(rest);
  else console.table(await run({ smoke: mode === '--smoke' }));
}

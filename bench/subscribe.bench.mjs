// subscribeSessionLogs benchmarks (imports the built package: `npm run build` first).
//
// 1. Latency: 100 sessions written to at once (one writer process owning all 100
//    logs emits one event in every session each 100 ms). Each event carries its
//    write time; the subscriber (this process) takes the delay until it gets the
//    event. Goals: p50 <= 20 ms, p99 <= 100 ms.
// 2. Idle: a subscriber on a folder of 1,000 session logs where nothing is
//    written, in a child process, its CPU time (process.cpuUsage) over 20 s as a
//    share of one core. Goal: <= 1 %.
// 3. Memory: a child replays (fromStart) a folder of logs of S and 4*S bytes;
//    its peak live memory (heap + buffers after a full GC, sampled every 5,000
//    events) above what it had at start must not grow with the size of the logs
//    (goal: the 4x folder costs <= 1.5x the extra memory of the 1x one, + 2 MB).
//
// Child modes: `--writers <logsDir> <n> <ms>`, `--idle <logsDir> <ms>`, `--replay <logsDir>`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repeats = 1;
const SELF = fileURLToPath(import.meta.url);
const DIST = new URL('../dist/index.js', import.meta.url).href;
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];

function child(args, nodeArgs = []) {
  const c = spawn(process.execPath, [...nodeArgs, SELF, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  c.stdout.on('data', (d) => (out += d));
  const lines = () => out.split('\n').filter(Boolean);
  return {
    proc: c,
    waitLine: (pred) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const l = lines().find(pred);
          if (l) {
            c.stdout.off('data', check);
            resolve(l);
          }
        };
        c.stdout.on('data', check);
        c.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
        check();
      }),
    done: new Promise((resolve) => c.once('exit', () => resolve(lines()))),
  };
}

/** Valid event lines of `bytes` total for session `id`, written in big chunks. */
function writeLog(file, id, bytes) {
  const pad = 'x'.repeat(400);
  const fd = fs.openSync(file, 'w');
  let seq = 0;
  let written = 0;
  while (written < bytes) {
    const parts = [];
    for (let i = 0; i < 2000 && written < bytes; i++) {
      const line = `{"seq":${++seq},"ts":"2026-11-28T19:00:00.000Z","provider":"claude","wrapper_session_id":"${id}","provider_session_id":null,"source_kind":"wrapper","completeness":"full","type":"stderr","message":"${pad}"}\n`;
      parts.push(line);
      written += line.length;
    }
    fs.writeSync(fd, parts.join(''));
  }
  fs.closeSync(fd);
}

async function latency(tmp, sessions, seconds) {
  const { subscribeSessionLogs } = await import(DIST);
  const logs = path.join(tmp, 'latency');
  // A project's sessions folder exists: measured is the steady state, not the first watch of a new folder.
  fs.mkdirSync(path.join(logs, 'sessions'), { recursive: true });
  const ac = new AbortController();
  const sub = subscribeSessionLogs({ logsDir: logs, types: ['stderr'], signal: ac.signal });
  await sub.ready;
  const w = child(['--writers', logs, String(sessions), String(seconds * 1000)]);
  const delays = [];
  const loop = (async () => {
    for await (const { event } of sub) {
      const sent = Number(event.message);
      if (Number.isFinite(sent)) delays.push(performance.timeOrigin + performance.now() - sent);
    }
  })();
  await w.done;
  await new Promise((r) => setTimeout(r, 500));
  ac.abort();
  await loop;
  delays.sort((a, b) => a - b);
  return { p50: pct(delays, 0.5), p99: pct(delays, 0.99), n: delays.length, expected: sessions * Math.floor((seconds * 1000) / 100) };
}

async function idle(tmp, sessions, ms) {
  const logs = path.join(tmp, 'idle');
  fs.mkdirSync(path.join(logs, 'sessions'), { recursive: true });
  for (let i = 0; i < sessions; i++) writeLog(path.join(logs, 'sessions', `idle-${i}.jsonl`), `idle-${i}`, 2000);
  const c = child(['--idle', logs, String(ms)]);
  const [line] = await c.done;
  return JSON.parse(line);
}

async function replayPeak(tmp, name, totalBytes) {
  const logs = path.join(tmp, name);
  fs.mkdirSync(path.join(logs, 'sessions'), { recursive: true });
  const files = 10;
  for (let i = 0; i < files; i++) writeLog(path.join(logs, 'sessions', `m-${i}.jsonl`), `m-${i}`, totalBytes / files);
  const c = child(['--replay', logs], ['--expose-gc']);
  const lines = await c.done;
  fs.rmSync(logs, { recursive: true, force: true });
  return JSON.parse(lines[lines.length - 1]);
}

export async function run({ smoke }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-bench-sub-'));
  try {
    const lat = await latency(tmp, smoke ? 10 : 100, smoke ? 1 : 5);
    const idleSessions = smoke ? 50 : 1000;
    const idleMs = smoke ? 2000 : 20_000;
    const cpu = await idle(tmp, idleSessions, idleMs);
    const size = smoke ? 4 * 2 ** 20 : 64 * 2 ** 20;
    const small = await replayPeak(tmp, 'mem-1x', size);
    const big = await replayPeak(tmp, 'mem-4x', 4 * size);
    const mb = (b) => b / 2 ** 20;
    const memGoal = mb(small.extra) * 1.5 + 2;
    return [
      {
        name: `subscribe latency p50, ${smoke ? 10 : 100} sessions written at once (${lat.n}/${lat.expected} events)`,
        value: lat.p50,
        unit: 'ms',
        baseline: null,
        ratio: null,
        goal: '<= 20 ms',
        met: lat.p50 <= 20 && lat.n === lat.expected,
      },
      {
        name: `subscribe latency p99, ${smoke ? 10 : 100} sessions written at once`,
        value: lat.p99,
        unit: 'ms',
        baseline: null,
        ratio: null,
        goal: '<= 100 ms',
        met: lat.p99 <= 100 && lat.n === lat.expected,
      },
      {
        name: `subscribe idle CPU, ${idleSessions.toLocaleString('en')} sessions, ${idleMs / 1000} s`,
        value: cpu.share * 100,
        unit: '% of a core',
        baseline: null,
        ratio: null,
        goal: '<= 1 %',
        met: cpu.share <= 0.01,
      },
      {
        name: `subscribe fromStart peak extra live memory, ${mb(4 * size)} MB of logs (vs ${mb(size)} MB)`,
        value: mb(big.extra),
        unit: 'MB',
        baseline: mb(small.extra),
        baselineUnit: 'MB',
        ratio: small.extra > 0 ? big.extra / small.extra : null,
        goal: `<= 1.5x + 2 MB (${memGoal.toFixed(1)} MB)`,
        met: mb(big.extra) <= memGoal && big.events === big.expected,
      },
    ];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- child modes ----
const [mode, dir, a1, a2] = process.argv.slice(2);
if (mode === '--writers') {
  const { SessionLogWriter } = await import(DIST);
  const n = Number(a1);
  const total = Number(a2);
  const writers = [];
  for (let i = 0; i < n; i++) writers.push(await SessionLogWriter.create(dir, { provider: 'claude', wrapperSessionId: `lat-${i}`, command: 'run' }));
  const rounds = Math.floor(total / 100);
  for (let r = 0; r < rounds; r++) {
    await new Promise((res) => setTimeout(res, 100));
    for (const w of writers) w.emit('wrapper', { type: 'stderr', message: String(performance.timeOrigin + performance.now()) });
  }
  for (const w of writers) await w.close();
} else if (mode === '--idle') {
  const { subscribeSessionLogs } = await import(DIST);
  const ac = new AbortController();
  const sub = subscribeSessionLogs({ logsDir: dir, signal: ac.signal });
  await sub.ready;
  const loop = (async () => {
    for await (const _ of sub) void _;
  })();
  // Let the watch settle (its ready-time sweep), then measure.
  await new Promise((r) => setTimeout(r, 1000));
  const start = process.cpuUsage();
  const t = performance.now();
  await new Promise((r) => setTimeout(r, Number(a1)));
  const used = process.cpuUsage(start);
  const wall = performance.now() - t;
  ac.abort();
  await loop;
  console.log(JSON.stringify({ share: (used.user + used.system) / 1000 / wall }));
} else if (mode === '--replay') {
  const { subscribeSessionLogs } = await import(DIST);
  // Live memory, not garbage awaiting collection: measured after a full GC.
  const live = () => {
    global.gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = live();
  let peak = base;
  const ac = new AbortController();
  let events = 0;
  let expected = 0;
  for (const f of fs.readdirSync(path.join(dir, 'sessions'))) {
    expected += fs.readFileSync(path.join(dir, 'sessions', f), 'utf8').split('\n').length - 1;
  }
  const start = live();
  const sub = subscribeSessionLogs({ logsDir: dir, fromStart: true, signal: ac.signal });
  for await (const _ of sub) {
    if (++events % 5000 === 0) peak = Math.max(peak, live());
    if (events === expected) ac.abort();
  }
  peak = Math.max(peak, live());
  // Below zero means less live memory than before the replay (start-up garbage freed): no growth.
  console.log(JSON.stringify({ extra: Math.max(0, peak - start), events, expected, base }));
}

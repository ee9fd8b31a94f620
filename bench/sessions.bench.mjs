// Across sessions: search and usageReport over generated logs (1 GB; 4 MB with --smoke),
// each against a baseline measured in the same run on the same files:
// - search 'rm -rf' (case-insensitive, our default) vs `grep -F -c 'rm -rf'` (case-sensitive);
// - usageReport --by day vs a plain read + split + JSON.parse of every line;
// - memory: peak RSS of a process running both over all the logs vs over an eighth of them.
// Medians are taken here: `repeats = 1` for the runner.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSessionLogs } from './gen/session-logs.mjs';

export const repeats = 1;
const DIST = new URL('../dist/index.js', import.meta.url).href;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const NEEDLE = 'rm -rf';

function timed(fn) {
  const t = performance.now();
  const r = fn();
  return r instanceof Promise ? r.then((v) => ({ v, ms: performance.now() - t })) : { v: r, ms: performance.now() - t };
}

async function ours(logs, n) {
  const { searchSessionLogs, usageReport } = await import(DIST);
  const search = [];
  const usage = [];
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const s = await timed(async () => {
      let c = 0;
      for await (const _ of searchSessionLogs({ text: NEEDLE }, { logsDir: logs })) c++;
      return c;
    });
    hits = s.v;
    search.push(s.ms);
    usage.push((await timed(() => usageReport({ logsDir: logs, groupBy: 'day', timeZone: 'UTC' }))).ms);
  }
  return { search: median(search), usage: median(usage), hits };
}

function grep(files, n) {
  const ms = [];
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const r = timed(() => spawnSync('grep', ['-F', '-c', NEEDLE, ...files], { encoding: 'utf8', maxBuffer: 1 << 26 }));
    hits = r.v.stdout.split('\n').filter(Boolean).reduce((a, l) => a + Number(l.slice(l.lastIndexOf(':') + 1)), 0);
    ms.push(r.ms);
  }
  return { ms: median(ms), hits };
}

function parseAll(files, n) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    ms.push(
      timed(() => {
        let count = 0;
        for (const f of files) for (const line of readFileSync(f, 'utf8').split('\n')) if (line) count += JSON.parse(line).seq > 0 ? 1 : 0;
        return count;
      }).ms,
    );
  }
  return median(ms);
}

/** Peak RSS (MB) of a child that searches and reports over the given logs folder. */
function peakRss(logs) {
  const script = `
    const { searchSessionLogs, usageReport } = await import(${JSON.stringify(DIST)});
    let c = 0; for await (const _ of searchSessionLogs({ text: ${JSON.stringify(NEEDLE)} }, { logsDir: ${JSON.stringify(logs)} })) c++;
    await usageReport({ logsDir: ${JSON.stringify(logs)}, groupBy: 'session' });
    console.log(process.resourceUsage().maxRSS / 1024);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim());
}

export async function run({ smoke }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'asl-bench-sessions-'));
  try {
    // ASL_BENCH_SESSIONS_MB runs a smaller (or larger) set than the 1 GB the goals name.
    const total = smoke ? 4 << 20 : Number(process.env.ASL_BENCH_SESSIONS_MB ?? 1024) * (1 << 20);
    const sessionBytes = smoke ? 256 << 10 : 8 << 20;
    const logs = path.join(tmp, 'logs');
    const { files, bytes } = generateSessionLogs(logs, total, sessionBytes);
    const eighth = path.join(tmp, 'eighth');
    generateSessionLogs(eighth, total / 8, sessionBytes);
    const n = smoke ? 1 : 3;
    grep(files, 1); // warm the page cache for everyone
    const g = grep(files, n);
    const o = await ours(logs, n);
    if (o.hits !== g.hits) throw new Error(`search found ${o.hits} matches, grep ${g.hits}`);
    const p = parseAll(files, n);
    const mb = bytes / (1 << 20);
    const label = mb >= 1000 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`;
    // Printed as soon as known: a run stopped during the memory figure keeps the throughputs.
    console.error(`sessions: ${label}: search ${o.search.toFixed(0)} ms vs grep ${g.ms.toFixed(0)} ms; usage ${o.usage.toFixed(0)} ms vs parse-all ${p.toFixed(0)} ms`);
    const rssAll = peakRss(logs);
    const rssEighth = peakRss(eighth);
    return [
      { name: `search 'rm -rf' over ${label} of logs`, value: mb / (o.search / 1000), unit: 'MB/s', baseline: mb / (g.ms / 1000), baselineUnit: 'MB/s (grep -F -c)', ratio: g.ms / o.search, goal: '>= 0.5x', met: g.ms / o.search >= 0.5 },
      { name: `usageReport --by day over ${label} of logs`, value: mb / (o.usage / 1000), unit: 'MB/s', baseline: mb / (p / 1000), baselineUnit: 'MB/s (read+split+JSON.parse)', ratio: p / o.usage, goal: '>= 1x', met: p / o.usage >= 1 },
      { name: `peak RSS, search + usage over ${label} vs 1/8 of it`, value: rssAll, unit: 'MB', baseline: rssEighth, baselineUnit: 'MB', ratio: rssAll / rssEighth, goal: '<= 1.25x (flat)', met: rssAll / rssEighth <= 1.25 },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

#!/usr/bin/env node
// Runs every bench/*.bench.mjs and prints one table: figure, value, baseline, ratio, goal, met.
//
// Contract for a bench module: `export async function run({ smoke })` returns rows
//   { name, value, unit, baseline, baselineUnit?, ratio, goal, met }
// (`goal` a human string such as ">= 0.8x", `met` a boolean, or null for a figure
// reported without a goal). Benches import the BUILT package (`../dist`), so
// `npm run bench` builds first.
//
// Each module's run() is repeated (default 3 times, 1 with --smoke) and every
// figure is reported as the median sample (by ratio, else by value), so one
// noisy run on a busy machine does not decide a figure. A module that takes
// its own medians (because its setup is expensive) exports `repeats = 1`.
//
// Options:
//   --smoke            tiny sizes (the whole run takes seconds)
//   --json[=path]      also write the rows as JSON (default bench/results/<timestamp>.json)
//   --repeats=N        repeat each module N times (overrides the defaults above)
//   --only=substr      run only the modules whose file name contains substr
//   --strict           exit 1 when a goal is not met
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const value = (name) => flag(name)?.split('=').slice(1).join('=') || undefined;

const smoke = Boolean(flag('smoke'));
const only = value('only');
const repeatsArg = value('repeats') ? Number(value('repeats')) : undefined;

function median(samples) {
  const key = (r) => (typeof r.ratio === 'number' && Number.isFinite(r.ratio) ? r.ratio : r.value);
  const sorted = [...samples].sort((a, b) => key(a) - key(b));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], samples: samples.length };
}

function fmt(n) {
  if (typeof n !== 'number') return n == null ? '-' : String(n);
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && abs < 0.01) return n.toExponential(2);
  if (abs >= 1e5) return Math.round(n).toLocaleString('en');
  return String(Number(n.toFixed(abs < 10 ? 3 : 1)));
}

function printTable(rows) {
  const head = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met'];
  const body = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit ?? ''}`.trim(),
    `${fmt(r.baseline)} ${r.baselineUnit ?? r.unit ?? ''}`.trim(),
    typeof r.ratio === 'number' ? `${fmt(r.ratio)}x` : '-',
    r.goal ?? '-',
    r.met === true ? 'yes' : r.met === false ? 'NO' : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of body) console.log(line(row));
}

const files = readdirSync(HERE)
  .filter((f) => f.endsWith('.bench.mjs') && (!only || f.includes(only)))
  .sort();
const all = [];
let failed = false;
for (const file of files) {
  const mod = await import(pathToFileURL(join(HERE, file)).href);
  if (typeof mod.run !== 'function') continue;
  const repeats = repeatsArg ?? mod.repeats ?? (smoke ? 1 : 3);
  const byName = new Map();
  const t = performance.now();
  try {
    for (let i = 0; i < repeats; i++) {
      for (const row of await mod.run({ smoke })) {
        if (!byName.has(row.name)) byName.set(row.name, []);
        byName.get(row.name).push(row);
      }
    }
  } catch (err) {
    failed = true;
    console.error(`${file}: ${err?.stack ?? err}`);
  }
  for (const samples of byName.values()) all.push({ file, ...median(samples) });
  console.error(`${file}: ${byName.size} figures, ${repeats} run(s), ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

console.log('');
printTable(all);

if (flag('json')) {
  const out = value('json') ?? join(HERE, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), smoke, node: process.version, rows: all }, null, 2) + '\n');
  console.error(`wrote ${out}`);
}

const unmet = all.filter((r) => r.met === false);
if (failed || (flag('strict') && unmet.length > 0)) process.exitCode = 1;

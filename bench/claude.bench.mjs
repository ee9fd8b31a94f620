// Claude backfill-parse throughput (imports the built package: run `npm run build` first).
//
// A Claude history of ~200 MB (smoke: ~4 MB) is generated from the real fixture
// sessions in test/fixtures/claude (2.0.64, 2.1.4 and 2.1.332 files with sub-agents,
// /clear, compaction, rate limits), every copy with fresh session ids, uuids,
// message ids and tool ids so that de-duplication works as on a real history.
// Measured: MB/s of ClaudeHistoricalLogAdapter.backfill() with every event of every
// session consumed (file listing, metadata prescan, parsing, sub-agent merge).
// Baseline, in the same run over the same files: read each file in 1 MiB chunks,
// split lines, JSON.parse every line. Goal: >= 0.5x the baseline.
// Generated data goes under os.tmpdir() and is deleted afterwards.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROVIDERS = new URL('../dist/providers/index.js', import.meta.url).href;
const FIXTURES = fileURLToPath(new URL('../test/fixtures/claude', import.meta.url));
const MB = 1024 * 1024;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const IDS = /\b(msg_|toolu_|req_)([A-Za-z0-9_]+)/g;

/** Every fixture session file, as [path relative to its `.claude`, text]. */
function fixtureFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl') && p.includes('/projects/')) {
        out.push([p.slice(p.indexOf('/projects/') + 1), fs.readFileSync(p, 'utf8')]);
      }
    }
  };
  walk(FIXTURES);
  return out;
}

/** Copy `n` of an id: same shape, different value (uuids keep their hex form). */
function renumber(text, n) {
  const tag = n.toString(16).padStart(6, '0');
  return text
    .replace(UUID, (u) => u.slice(0, 30) + tag)
    .replace(IDS, (_, prefix, id) => `${prefix}${id}c${tag}`);
}

/** Writes copies of the fixture set under `<home>/.claude` until `targetBytes`. */
function generate(home, targetBytes) {
  const files = fixtureFiles();
  let bytes = 0;
  let n = 0;
  const paths = [];
  while (bytes < targetBytes) {
    n++;
    for (const [rel, text] of files) {
      const dest = join(home, '.claude', renumber(rel, n));
      fs.mkdirSync(dirname(dest), { recursive: true });
      const body = renumber(text, n);
      fs.writeFileSync(dest, body);
      bytes += Buffer.byteLength(body);
      paths.push(dest);
    }
  }
  return { bytes, paths, copies: n };
}

/** The baseline: chunked read, split on '\n', JSON.parse each line. */
function baselinePass(paths) {
  const buf = Buffer.allocUnsafe(MB);
  let lines = 0;
  for (const path of paths) {
    const fd = fs.openSync(path, 'r');
    let carry = null;
    try {
      for (let r; (r = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
        let chunk = buf.subarray(0, r);
        if (carry) {
          chunk = Buffer.concat([carry, chunk]);
          carry = null;
        }
        let from = 0;
        for (let nl; (nl = chunk.indexOf(10, from)) >= 0; from = nl + 1) {
          if (nl > from) {
            JSON.parse(chunk.toString('utf8', from, nl));
            lines++;
          }
        }
        if (from < chunk.length) carry = Buffer.from(chunk.subarray(from));
      }
      if (carry && carry.length > 0) {
        JSON.parse(carry.toString('utf8'));
        lines++;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return lines;
}

async function oursPass(lib, home) {
  let events = 0;
  let sessions = 0;
  for await (const s of new lib.ClaudeHistoricalLogAdapter({ home }).backfill()) {
    sessions++;
    for await (const _ of s.events) events++;
  }
  return { events, sessions };
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, result };
}

export async function run({ smoke = false } = {}) {
  const lib = await import(PROVIDERS);
  const dir = fs.mkdtempSync(join(tmpdir(), 'claude-bench-'));
  try {
    const home = join(dir, 'home');
    const { bytes, paths } = generate(home, smoke ? 4 * MB : 200 * MB);
    const rounds = smoke ? 1 : 2;
    let best = { base: Infinity, ours: Infinity };
    let counts;
    // Warm the page cache and the JIT on both paths before timing.
    baselinePass(paths.slice(0, 50));
    await oursPass(lib, home).then((c) => (counts = c));
    for (let i = 0; i < rounds; i++) {
      const b = await timed(() => baselinePass(paths));
      const o = await timed(() => oursPass(lib, home));
      best = { base: Math.min(best.base, b.ms), ours: Math.min(best.ours, o.ms) };
      counts = o.result;
    }
    const mb = bytes / MB;
    const ours = mb / (best.ours / 1000);
    const base = mb / (best.base / 1000);
    const ratio = ours / base;
    return [
      {
        name: `claude backfill parse (${Math.round(mb)} MB, ${paths.length} files, ${counts.sessions} sessions, ${counts.events} events)`,
        value: Math.round(ours * 10) / 10,
        unit: 'MB/s',
        baseline: Math.round(base * 10) / 10,
        baselineUnit: 'MB/s (chunked read + JSON.parse per line)',
        ratio,
        goal: '>= 0.5x',
        met: ratio >= 0.5,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await run({ smoke: process.argv.includes('--smoke') });
  console.table(rows);
}

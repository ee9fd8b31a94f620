#!/usr/bin/env node
// Child process for live tests: rewrites a file whole, once per snapshot, the
// way Gemini CLI <= 0.38 rewrote session-*.json:
//   atomic:     write a temp file beside it, then rename it over the file;
//   non-atomic: truncate the file in place, then write the new text in pieces.
// Pauses a random while between snapshots and, non-atomically, between pieces.
//
//   node rewrite-snapshots.mjs <snapshots.json (array of texts)> <dest> <atomic|inplace> [seed] [maxDelayMs]
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const [list, dest, mode, seedArg = '1', maxDelayArg = '20'] = process.argv.slice(2);
if (!list || !dest || (mode !== 'atomic' && mode !== 'inplace')) {
  process.stderr.write('usage: rewrite-snapshots.mjs <snapshots.json> <dest> <atomic|inplace> [seed] [maxDelayMs]\n');
  process.exit(2);
}
let state = Number(seedArg) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const sleep = (ms) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
const maxDelay = Number(maxDelayArg);
const texts = JSON.parse(readFileSync(list, 'utf8'));
mkdirSync(dirname(dest), { recursive: true });
let n = 0;
for (const text of texts) {
  const bytes = Buffer.from(text);
  if (mode === 'atomic') {
    const tmp = `${dest}.tmp-${process.pid}-${n++}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, dest);
  } else {
    const fd = openSync(dest, 'w'); // O_TRUNC: readers can see an empty or half-written file
    let pos = 0;
    while (pos < bytes.length) {
      const size = 1 + Math.floor(random() * Math.max(1, bytes.length / 3));
      writeSync(fd, bytes, pos, Math.min(size, bytes.length - pos));
      pos += size;
      await sleep(Math.floor(random() * 4));
    }
    closeSync(fd);
  }
  await sleep(Math.floor(random() * maxDelay));
}

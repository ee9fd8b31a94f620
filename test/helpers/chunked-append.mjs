#!/usr/bin/env node
// Child process used by live tests: copies a source file onto a destination the way a
// CLI writes it, by appending in random byte chunks (splitting lines and UTF-8
// characters) at random intervals. Deterministic for a given seed.
//
//   node chunked-append.mjs <source> <dest> [seed] [maxChunk] [maxDelayMs]
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const [source, dest, seedArg = '1', maxChunkArg = '512', maxDelayArg = '15'] = process.argv.slice(2);
if (!source || !dest) {
  process.stderr.write('usage: chunked-append.mjs <source> <dest> [seed] [maxChunk] [maxDelayMs]\n');
  process.exit(2);
}

// mulberry32: small, seedable, good enough to vary chunk sizes.
let state = Number(seedArg) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const bytes = readFileSync(source);
const maxChunk = Math.max(1, Number(maxChunkArg));
const maxDelay = Math.max(0, Number(maxDelayArg));
mkdirSync(dirname(dest), { recursive: true });
const fd = openSync(dest, 'a');
let pos = 0;
while (pos < bytes.length) {
  const size = 1 + Math.floor(random() * maxChunk);
  const end = Math.min(bytes.length, pos + size);
  writeSync(fd, bytes, pos, end - pos);
  pos = end;
  const delay = Math.floor(random() * maxDelay);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
}
closeSync(fd);

#!/usr/bin/env node
// Stands in for a running Claude Code in `npm run demo`: appends a recorded
// session file to its place under a fake ~/.claude, one line at a time, each
// line in two writes (so a reader sees half-written lines, as with a real agent).
//
//   node scripts/demo-agent.mjs <source.jsonl> <dest.jsonl> [msPerLine]
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const [source, dest, msArg = '100'] = process.argv.slice(2);
if (!source || !dest) {
  process.stderr.write('usage: demo-agent.mjs <source.jsonl> <dest.jsonl> [msPerLine]\n');
  process.exit(2);
}
const msPerLine = Math.max(0, Number(msArg));
const lines = readFileSync(source, 'utf8').split('\n').filter((l) => l !== '');
mkdirSync(dirname(dest), { recursive: true });
const fd = openSync(dest, 'a');
try {
  for (const line of lines) {
    // Cut by bytes, not characters: a reader must cope with a split UTF-8 sequence too.
    const bytes = Buffer.from(`${line}\n`);
    const cut = Math.floor(bytes.length / 2);
    writeSync(fd, bytes.subarray(0, cut));
    await sleep(Math.min(30, msPerLine / 3));
    writeSync(fd, bytes.subarray(cut));
    await sleep(msPerLine);
  }
} finally {
  closeSync(fd);
}

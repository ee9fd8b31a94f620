#!/usr/bin/env node
// Child process for no-leftovers.test.ts: runs whole coordinator lifecycles and
// then simply returns. The parent checks that this process exits on its own,
// and this script reports every timer, immediate and file watcher created
// during the lifecycles that is still alive afterwards.
//
//   node child-lifecycle.mjs <module root> <work dir>
import { createHook } from 'node:async_hooks';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, work] = process.argv.slice(2);
const TRACKED = new Set(['Timeout', 'Immediate', 'FSEVENTWRAP', 'STATWATCHER', 'FSREQCALLBACK']);
const alive = new Map();
let tracking = false;
createHook({
  init(id, type) {
    if (tracking && TRACKED.has(type)) alive.set(id, type);
  },
  destroy(id) {
    alive.delete(id);
  },
}).enable();

const lib = await import(pathToFileURL(join(root, 'src', 'index.js')).href);
const { LineTailer } = await import(pathToFileURL(join(root, 'src', 'tail', 'index.js')).href);

class TailAdapter {
  constructor(file) {
    this.file = file;
    this.tailer = new LineTailer(file);
  }
  watchPaths() {
    return [this.file];
  }
  async poll(writer) {
    const { lines } = await this.tailer.read();
    for (const line of lines) writer.emit('provider_file', { type: 'assistant_message', content: line });
  }
  async finalize(writer) {
    const { lines } = await this.tailer.read({ flush: true });
    for (const line of lines) writer.emit('provider_file', { type: 'assistant_message', content: line });
    await this.tailer.close();
  }
}

const until = async (check) => {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
};

const file = join(work, 'provider.jsonl');
writeFileSync(file, 'one\n');
const seen = [];
tracking = true;

// 1: a full lifecycle with a watched file, fast timers and heartbeats, ended by finish().
const c = await lib.SessionLogCoordinator.start(join(work, 'logs'), {
  provider: 'claude', wrapperSessionId: 'child-1', command: 'run',
}, {
  liveAdapter: new TailAdapter(file),
  pollIntervalMs: 10,
  heartbeatIntervalMs: 10,
  onLogEvent: (e) => seen.push(e.type === 'assistant_message' ? e.content : e.type),
});
await until(() => seen.includes('one') && seen.includes('heartbeat'));
appendFileSync(file, 'two\n');
await until(() => seen.includes('two'));
appendFileSync(file, 'tail without newline');
await c.finish(true);

// 2: disposed with `await using` semantics (close without finish), no adapter, abort signal attached.
const ac = new AbortController();
const d = await lib.SessionLogCoordinator.start(join(work, 'logs'), {
  provider: 'claude', wrapperSessionId: 'child-2', command: 'run',
}, { heartbeatIntervalMs: 5, signal: ac.signal });
await new Promise((r) => setTimeout(r, 30));
await d[Symbol.asyncDispose]();
tracking = false;

// Short-lived library timers (chokidar's 50 ms event throttles) may still be counting down; give them time.
setTimeout(() => {
  const leaked = [...alive.values()];
  process.stdout.write(JSON.stringify({ seen, leaked }) + '\n');
  // No process.exit(): the parent checks that the process ends on its own.
}, 400);

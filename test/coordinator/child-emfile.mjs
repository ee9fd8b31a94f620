#!/usr/bin/env node
// Child process for watch-emfile.test.ts, run under a low `ulimit -n`: exhausts
// its file descriptors right after start(), so the file watcher's first
// fs.watch fails with EMFILE (a real watcher failure, like ENOSPC), then frees
// them once the coordinator has reported the failure, and checks that the
// timer still picks up every line. Prints a JSON report.
//
//   node child-emfile.mjs <module root> <work dir>
import { appendFileSync, closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, work] = process.argv.slice(2);
const lib = await import(pathToFileURL(join(root, 'src', 'index.js')).href);
const { LineTailer } = await import(pathToFileURL(join(root, 'src', 'tail', 'index.js')).href);

const file = join(work, 'provider.jsonl');
writeFileSync(file, 'one\n');
const tailer = new LineTailer(file);
const adapter = {
  watchPaths: () => [file],
  async poll(writer) {
    const { lines } = await tailer.read();
    for (const line of lines) writer.emit('provider_file', { type: 'assistant_message', content: line });
  },
};

const held = [];
const seen = [];
let failureSeen = false;
const c = await lib.SessionLogCoordinator.start(join(work, 'logs'), {
  provider: 'claude', wrapperSessionId: 'emfile', command: 'run',
}, {
  liveAdapter: adapter,
  pollIntervalMs: 20,
  onLogEvent: (e) => {
    if (e.type === 'assistant_message') seen.push(e.content);
    if (e.type === 'provider_status' && e.data?.source === 'watcher' && !failureSeen) {
      failureSeen = true;
      for (const fd of held.splice(0)) closeSync(fd);
    }
  },
});
// Synchronously, before the loop's first run: no descriptor left for inotify.
try {
  for (;;) held.push(openSync('/dev/null', 'r'));
} catch (err) {
  if (err.code !== 'EMFILE') throw err;
}
const until = async (check, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};
await until(() => failureSeen);
for (const fd of held.splice(0)) closeSync(fd);
appendFileSync(file, 'two\n');
await until(() => seen.includes('two'));
await c.finish(true);
process.stdout.write(JSON.stringify({ failureSeen, seen, watching: c.watching, logPath: c.writer.logPath }) + '\n');

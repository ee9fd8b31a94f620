// The fifth process of the many-machines test: prints every event the store
// delivers, one `machine session seq` line each, until SIGTERM.
import { openPostgresStore } from '../../../dist/postgres/index.js';

const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
const store = await openPostgresStore({ machine: 'watcher' });
process.stdout.write('ready\n');
let lines = '';
let timer = null;
const flush = () => {
  process.stdout.write(lines);
  lines = '';
  timer = null;
};
for await (const { machine, event } of store.subscribe({ from: 'start', signal: stop.signal, pollIntervalMs: 200 })) {
  lines += `${machine} ${event.wrapper_session_id} ${event.seq}\n`;
  timer ??= setTimeout(flush, 50);
}
if (timer) clearTimeout(timer);
flush();
await store.close();

// One "machine" of the many-machines test: records live sessions mirrored to
// the store while it syncs its history (every project under $HOME/.zag).
// Runs the built package, as a user's program would.
import path from 'node:path';
import { SessionLogWriter } from '../../../dist/index.js';
import { allLogsDirs, mirrorToStore, openPostgresStore, syncToStore } from '../../../dist/postgres/index.js';

const [tag, liveSessions, liveEvents] = process.argv.slice(2);
const home = process.env.HOME;
const store = await openPostgresStore(); // ASL_STORE_URL, ASL_MACHINE
const liveDir = path.join(home, '.zag', 'projects', '-live', 'logs');

async function live(n) {
  const w = await SessionLogWriter.create(liveDir, { provider: 'claude', wrapperSessionId: `live-${tag}-${n}`, command: 'run' });
  const mirror = mirrorToStore(w, store);
  for (let i = 0; i < Number(liveEvents); i++) {
    w.emit('wrapper', { type: 'assistant_message', content: `live ${tag} ${n} ${i}` });
    if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  await w.finish(true);
  await mirror.close();
  await w.close();
}

const sessions = Array.from({ length: Number(liveSessions) }, (_, n) => live(n));
const synced = syncToStore(await allLogsDirs(path.join(home, '.zag')), store, {
  onProgress: (p) => {
    if (p.phase === 'sending' && p.eventsSent > 0) process.stdout.write(`progress ${p.eventsSent}\n`);
  },
});
await Promise.all([...sessions, synced]);
// A second pass picks up what a killed earlier run of this machine left in its live logs.
await syncToStore(await allLogsDirs(path.join(home, '.zag')), store);
await store.close();
process.stdout.write('done\n');

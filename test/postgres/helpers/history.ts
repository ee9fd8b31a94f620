import path from 'node:path';
import { SessionLogWriter } from '../../../src/index.js';
import { emitMany } from './sessions.js';

/** A logs folder with `sessions` finished sessions of `events` events each (plus started/ended). */
export async function makeHistory(logsDir: string, sessions: number, events: number, prefix = 's'): Promise<string[]> {
  const ids: string[] = [];
  for (let s = 0; s < sessions; s++) {
    const id = `${prefix}-${String(s).padStart(4, '0')}`;
    const w = await SessionLogWriter.create(logsDir, { provider: s % 2 ? 'codex' : 'claude', wrapperSessionId: id, command: 'run' }, { fsync: 'never' });
    w.emit('wrapper', { type: 'session_started', command: 'run', model: null, cwd: '/w', resumed: false, backfilled: false });
    emitMany(w, s * 7, events);
    await w.finish(true);
    await w.close();
    ids.push(id);
  }
  return ids;
}

export function logPathOf(logsDir: string, id: string): string {
  return path.join(logsDir, 'sessions', `${id}.jsonl`);
}

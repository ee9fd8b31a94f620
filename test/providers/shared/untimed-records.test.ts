import { mkdirSync, readdirSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSessionLog, runBackfill, SessionLogCoordinator, type AgentLogEvent } from '../../../src/index.js';
import { defaultHistoricalAdapters, liveAdapterForProvider } from '../../../src/providers/index.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * The rule for records without a readable time (providers/shared/record-times.ts),
 * through the public API, on a Copilot events.jsonl written for it: live and
 * imported alike.
 */
const CWD = '/tmp/untimed/project';
const T1 = '2025-06-01T10:00:02.000Z';
const T2 = '2025-06-01T10:00:09.000Z';

const rec = (id: string, type: string, data: object, timestamp?: unknown) =>
  JSON.stringify({ type, data, id, ...(timestamp === undefined ? {} : { timestamp }) });

/** A session whose first records have no time, one has an unreadable one, and one line is broken. */
const MIXED = [
  rec('e1', 'user.message', { content: 'first' }),
  rec('e2', 'assistant.message', { messageId: 'm1', content: 'one' }, T1),
  rec('e3', 'user.message', { content: 'second' }, 'not a time'),
  '{"type":"user.message","data":',
  rec('e4', 'assistant.message', { messageId: 'm2', content: 'two' }, T2),
];
/** A session without any readable time. */
const UNTIMED = [rec('e1', 'user.message', { content: 'hello' }), rec('e2', 'assistant.message', { messageId: 'm1', content: 'hi' }, null)];

function sessionDir(home: string, id: string): string {
  const dir = join(home, '.copilot', 'session-state', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'workspace.yaml'), `id: ${id}\ncwd: ${CWD}\n`);
  return dir;
}

async function logEvents(path: string): Promise<AgentLogEvent[]> {
  const out: AgentLogEvent[] = [];
  for await (const e of readSessionLog(path)) out.push(e);
  return out;
}

const pause = () => new Promise<void>((r) => setTimeout(r, 40));

/** Captures `lines` live, appended one by one; `beforeFinish` runs once they are all read. */
async function captureLive(id: string, lines: string[], beforeFinish?: (file: string) => void): Promise<AgentLogEvent[]> {
  const home = tempDir('untimed-live-home-');
  const file = join(sessionDir(home, id), 'events.jsonl');
  const logs = tempDir('untimed-live-logs-');
  const adapter = liveAdapterForProvider('copilot', { startedAt: new Date(Date.now() - 1000), workspacePath: CWD, providerSessionId: id, home });
  const c = await SessionLogCoordinator.start(logs, { provider: 'copilot', wrapperSessionId: 'live', command: 'run' }, {
    liveAdapter: adapter,
    pollIntervalMs: 10,
    heartbeatIntervalMs: 3_600_000,
  });
  try {
    for (const line of lines) {
      appendFileSync(file, `${line}\n`);
      await pause();
    }
    await pause();
    beforeFinish?.(file);
  } finally {
    await c.finish(true);
  }
  return (await logEvents(c.writer.logPath)).filter((e) => e.source_kind === 'provider_file');
}

async function importOnce(id: string, lines: string[], mtime?: Date): Promise<AgentLogEvent[]> {
  const home = tempDir('untimed-import-home-');
  const file = join(sessionDir(home, id), 'events.jsonl');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  if (mtime) utimesSync(file, mtime, mtime);
  const logs = tempDir('untimed-import-logs-');
  expect((await runBackfill(logs, null, defaultHistoricalAdapters({ home, providers: ['copilot'] }))).imported).toBe(1);
  const [name] = readdirSync(join(logs, 'sessions'));
  return logEvents(join(logs, 'sessions', name!));
}

const shape = (e: AgentLogEvent) => [e.type, e.ts];

describe('a record without a readable time', () => {
  it('takes the nearest earlier record time, else the nearest later one, live and imported alike', async () => {
    const imported = await importOnce('s-mixed', MIXED);
    const fromRecords = imported.slice(1, -1);
    expect(fromRecords.map(shape)).toEqual([
      ['user_message', T1], // nothing timed before it: the next time
      ['assistant_message', T1],
      ['user_message', T1], // unreadable: the one before
      ['parse_warning', T1],
      ['assistant_message', T2],
    ]);
    expect([imported[0]!.ts, imported.at(-1)!.ts]).toEqual([T1, T2]);

    const live = await captureLive('s-mixed', MIXED);
    const strip = (e: AgentLogEvent) => ({ ...e, seq: 0, source_kind: '', wrapper_session_id: '', provider_session_id: null });
    expect(live.map(strip)).toEqual(fromRecords.map(strip));
  });

  it('in a file with no readable time at all gets the file modification time, never the import time', async () => {
    const mtime = new Date('2025-07-04T12:00:00.000Z');
    const imported = await importOnce('s-untimed', UNTIMED, mtime);
    expect(imported.map(shape)).toEqual([
      ['session_started', mtime.toISOString()],
      ['user_message', mtime.toISOString()],
      ['assistant_message', mtime.toISOString()],
      ['session_ended', mtime.toISOString()],
    ]);
    // Live, the events wait for a time until the end, then get the file's.
    const live = await captureLive('s-untimed', UNTIMED, (file) => utimesSync(file, mtime, mtime));
    expect(live.map(shape)).toEqual(imported.slice(1, -1).map(shape));
  });
});

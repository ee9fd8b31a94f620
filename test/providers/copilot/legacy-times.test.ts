import { copyFileSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIndex, readSessionLog, runBackfill, type AgentLogEvent } from '../../../src/index.js';
import { CopilotHistoricalLogAdapter } from '../../../src/providers/index.js';
import { tempDir } from '../../helpers/tmp.js';

const LEGACY = join(import.meta.dirname, '..', '..', 'fixtures', 'copilot', 'legacy');

/** Imports the named legacy documents from a fresh home; returns the index entries and each log. */
async function importLegacy(files: Record<string, string>, mtime?: Date) {
  const home = tempDir('copilot-legacy-home-');
  const dir = join(home, '.copilot', 'history-session-state');
  mkdirSync(dir, { recursive: true });
  for (const [id, fixture] of Object.entries(files)) {
    const dest = join(dir, `${id}.json`);
    copyFileSync(join(LEGACY, fixture), dest);
    if (mtime) utimesSync(dest, mtime, mtime);
  }
  const logs = tempDir('copilot-legacy-logs-');
  const importStarted = new Date().toISOString();
  const result = await runBackfill(logs, null, [new CopilotHistoricalLogAdapter({ home })]);
  expect(result.imported).toBe(Object.keys(files).length);
  const { sessions } = await loadIndex(logs);
  const logsById = new Map<string, AgentLogEvent[]>();
  for (const s of sessions) {
    const events: AgentLogEvent[] = [];
    for await (const e of readSessionLog(s.log_path)) events.push(e);
    logsById.set(s.wrapper_session_id, events);
  }
  return { sessions, logsById, importStarted };
}

describe('legacy Copilot sessions (history-session-state/*.json) keep their own times', () => {
  it('dates events by startTime and the timeline entries; an unreadable entry time takes the one before it', async () => {
    const { sessions, logsById } = await importLegacy({ 'legacy-timed': 'timed-session.json' });
    const events = logsById.get('legacy-timed')!;
    expect(events.map((e) => [e.type, e.ts])).toEqual([
      ['session_started', '2025-06-01T10:00:00.000Z'],
      ['user_message', '2025-06-01T10:00:05.000Z'],
      ['assistant_message', '2025-06-01T10:00:09.250Z'],
      ['tool_call', '2025-06-01T10:00:09.250Z'],
      ['tool_result', '2025-06-01T10:00:11.000Z'],
      // "a moment later" is no time: the nearest earlier one.
      ['user_message', '2025-06-01T10:00:11.000Z'],
      // +02:00 is earlier once in UTC: ts goes backwards, the session's end does not.
      ['assistant_message', '2025-06-01T08:01:30.000Z'],
      ['session_ended', '2025-06-01T10:00:11.000Z'],
    ]);
    expect(sessions[0]).toMatchObject({ started_at: '2025-06-01T10:00:00.000Z', ended_at: '2025-06-01T10:00:11.000Z' });
  });

  it('a document without any readable time is dated by its file, never by the import', async () => {
    const mtime = new Date('2025-07-04T12:00:00.000Z');
    const { sessions, logsById, importStarted } = await importLegacy({ 'legacy-untimed': 'untimed-session.json' }, mtime);
    const events = logsById.get('legacy-untimed')!;
    expect(events.map((e) => e.type)).toEqual(['session_started', 'user_message', 'assistant_message', 'session_ended']);
    for (const e of events) expect(e.ts).toBe(mtime.toISOString());
    expect(sessions[0]).toMatchObject({ started_at: mtime.toISOString(), ended_at: mtime.toISOString() });
    expect(sessions[0]!.ended_at! < importStarted).toBe(true);
  });
});

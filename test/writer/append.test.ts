import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, appendEventToLog, isSessionLogError, type AgentLogEvent } from '../../src/index.js';
import { readJsonl, tempDir } from '../helpers/tmp.js';

const meta = { provider: 'claude', wrapperSessionId: 'ses-a', command: 'run' };
const result = (r: string) => ({ type: 'session_result' as const, result: r });

describe('appendEventToLog', () => {
  it('creates a missing log and starts at seq 1, written as zag does (wrapper, full)', async () => {
    const dir = tempDir();
    const logPath = path.join(dir, 'sessions', 'new.jsonl');
    const ev = await appendEventToLog(logPath, 'codex', 'new', 'p-1', result('done'));
    expect(ev).toMatchObject({ seq: 1, provider: 'codex', wrapper_session_id: 'new', provider_session_id: 'p-1' });
    expect(fs.readFileSync(logPath, 'utf8')).toBe(
      `{"seq":1,"ts":"${ev.ts}","provider":"codex","wrapper_session_id":"new","provider_session_id":"p-1",` +
        `"source_kind":"wrapper","completeness":"full","type":"session_result","result":"done"}\n`,
    );
    expect((await appendEventToLog(logPath, 'codex', 'new', null, result('again'))).seq).toBe(2);
  });

  it('hands the event to a live owner, whose subscribers see it, and resolves once it is in the file', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    w.emit('wrapper', { type: 'stderr', message: 'one' });
    const seen: AgentLogEvent[] = [];
    w.onLogEvent((e) => seen.push(e));
    const ev = await appendEventToLog(w.logPath, 'claude', 'ses-a', null, result('from outside'));
    expect(ev.seq).toBe(2);
    expect(seen.map((e) => e.seq)).toEqual([2]);
    expect(readJsonl(w.logPath).at(-1)).toMatchObject({ seq: 2, type: 'session_result', result: 'from outside' });
    // The owner keeps counting after it.
    expect(w.emit('wrapper', { type: 'stderr', message: 'three' }).seq).toBe(3);
    await w.close();
    // Without an owner the appender recovers the seq from the tail.
    expect((await appendEventToLog(w.logPath, 'claude', 'ses-a', null, result('late'))).seq).toBe(4);
  });

  it('ignores a stale owner record (its process died) and removes it', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    w.emit('wrapper', { type: 'stderr', message: 'one' });
    await w.close();
    fs.writeFileSync(`${w.logPath}.owner`, JSON.stringify({ v: 1, pid: 999999, socket: path.join(dir, 'gone.sock') }));
    expect((await appendEventToLog(w.logPath, 'claude', 'ses-a', null, result('r'))).seq).toBe(2);
    expect(fs.existsSync(`${w.logPath}.owner`)).toBe(false);
    // A writer opening it afterwards is not confused either.
    const again = await SessionLogWriter.create(dir, meta);
    expect(again.nextSeq).toBe(3);
    await again.close();
  });

  it('rejects an invalid event with ERR_INVALID_EVENT and writes nothing, with or without an owner', async () => {
    const dir = tempDir();
    const logPath = path.join(dir, 'sessions', 'x.jsonl');
    const bad = { type: 'session_result' } as never;
    const e1 = await appendEventToLog(logPath, 'claude', 'x', null, bad).catch((e: unknown) => e);
    expect(isSessionLogError(e1, 'ERR_INVALID_EVENT')).toBe(true);
    expect(fs.existsSync(logPath)).toBe(false);
    const w = await SessionLogWriter.create(dir, { ...meta, wrapperSessionId: 'x' });
    const e2 = await appendEventToLog(w.logPath, 'claude', 'x', null, bad).catch((e: unknown) => e);
    expect(isSessionLogError(e2, 'ERR_INVALID_EVENT')).toBe(true);
    expect(fs.readFileSync(w.logPath, 'utf8')).toBe('');
    await w.close();
  });

  it('an owner continues after lines a foreign writer appended outside the protocol (like zag)', async () => {
    const dir = tempDir();
    // Checked before every event here; by default a burst is checked once per millisecond.
    const w = await SessionLogWriter.create(dir, meta, { foreignAppendCheckMs: 0 });
    w.emit('wrapper', { type: 'stderr', message: 'one' });
    // What zag's append_event_to_log does: scan for the last seq, append seq + 1 without any lock.
    const zagLine = {
      seq: 2,
      ts: '2026-11-28T19:00:00.000000001+00:00',
      provider: 'claude',
      wrapper_session_id: 'ses-a',
      provider_session_id: null,
      source_kind: 'wrapper',
      completeness: 'full',
      type: 'session_result',
      result: 'killed',
    };
    fs.appendFileSync(w.logPath, JSON.stringify(zagLine) + '\n');
    expect(w.emit('wrapper', { type: 'stderr', message: 'three' }).seq).toBe(3);
    // A foreign writer that left half a line: the owner's next line still starts on its own line.
    fs.appendFileSync(w.logPath, '{"seq":4,"ts":');
    const after = w.emit('wrapper', { type: 'stderr', message: 'five' });
    await w.close();
    const text = fs.readFileSync(w.logPath, 'utf8');
    expect(text.split('\n').at(-2)).toBe(
      `{"seq":${after.seq},"ts":"${after.ts}","provider":"claude","wrapper_session_id":"ses-a","provider_session_id":null,"source_kind":"wrapper","completeness":"full","type":"stderr","message":"five"}`,
    );
    expect(after.seq).toBe(4);
  });

  it('with the default throttle, a foreign line is noticed by the next event after a pause', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    w.emit('wrapper', { type: 'stderr', message: 'one' });
    fs.appendFileSync(w.logPath, readJsonl(w.logPath).map((l) => JSON.stringify({ ...l, seq: 2 })).join('') + '\n');
    await new Promise((r) => setTimeout(r, 5));
    expect(w.emit('wrapper', { type: 'stderr', message: 'three' }).seq).toBe(3);
    await w.close();
    expect(readJsonl(w.logPath).map((l) => l.seq)).toEqual([1, 2, 3]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, appendEventToLog, isSessionLogError } from '../../src/index.js';
import { readJsonl, tempDir } from '../helpers/tmp.js';

const meta = { provider: 'claude', wrapperSessionId: 'ses-a', command: 'run' };
const result = (r: string) => ({ type: 'session_result' as const, result: r });
const limit = (provider?: string) => ({
  type: 'usage_limit_hit' as const,
  ...(provider !== undefined ? { provider } : {}),
  scope: 'daily',
  incident_id: 'inc-1',
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('appendEventToLog checks the envelope against the log', () => {
  it("rejects another provider or another session id with ERR_INVALID_EVENT and leaves an ownerless log's bytes alone", async () => {
    const dir = tempDir();
    const logPath = path.join(dir, 'sessions', 'ses-a.jsonl');
    await appendEventToLog(logPath, 'claude', 'ses-a', null, result('first'));
    const before = fs.readFileSync(logPath);
    const otherProvider = await rejection(appendEventToLog(logPath, 'codex', 'ses-a', null, result('x')));
    expect(isSessionLogError(otherProvider, 'ERR_INVALID_EVENT')).toBe(true);
    const otherSession = await rejection(appendEventToLog(logPath, 'claude', 'ses-b', null, result('x')));
    expect(isSessionLogError(otherSession, 'ERR_INVALID_EVENT')).toBe(true);
    expect(fs.readFileSync(logPath).equals(before)).toBe(true);
    // The right envelope still appends, after the first line.
    expect((await appendEventToLog(logPath, 'claude', 'ses-a', 'p-1', result('ok'))).seq).toBe(2);
  });

  it('checks before repairing a torn tail, so a refused append changes nothing at all', async () => {
    const dir = tempDir();
    const logPath = path.join(dir, 'sessions', 'ses-a.jsonl');
    await appendEventToLog(logPath, 'claude', 'ses-a', null, result('first'));
    fs.appendFileSync(logPath, '{"seq":2,"ts":"torn');
    const before = fs.readFileSync(logPath);
    const err = await rejection(appendEventToLog(logPath, 'gemini', 'ses-a', null, result('x')));
    expect(isSessionLogError(err, 'ERR_INVALID_EVENT')).toBe(true);
    expect(fs.readFileSync(logPath).equals(before)).toBe(true);
  });

  it("is refused by a live owner whose session differs, and the owner's log is unchanged", async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    w.emit('wrapper', { type: 'stderr', message: 'one' });
    const before = fs.readFileSync(w.logPath);
    const err = await rejection(appendEventToLog(w.logPath, 'codex', 'ses-a', null, result('x')));
    expect(isSessionLogError(err, 'ERR_INVALID_EVENT')).toBe(true);
    const err2 = await rejection(appendEventToLog(w.logPath, 'claude', 'other', null, result('x')));
    expect(isSessionLogError(err2, 'ERR_INVALID_EVENT')).toBe(true);
    expect(fs.readFileSync(w.logPath).equals(before)).toBe(true);
    expect(w.emit('wrapper', { type: 'stderr', message: 'two' }).seq).toBe(2);
    await w.close();
  });
});

describe('usage_limit_hit names the log provider or none', () => {
  it('the writer rejects another provider (nothing written) and writes its own provider once', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    let err: unknown = null;
    try {
      w.emit('provider_file', limit('codex'));
    } catch (e) {
      err = e;
    }
    expect(isSessionLogError(err, 'ERR_INVALID_EVENT')).toBe(true);
    expect(fs.statSync(w.logPath).size).toBe(0);
    expect(w.emit('provider_file', limit('claude'))).toMatchObject({ seq: 1, provider: 'claude' });
    expect(w.emit('provider_file', limit())).toMatchObject({ seq: 2, provider: 'claude' });
    await w.close();
    const text = fs.readFileSync(w.logPath, 'utf8');
    for (const line of text.trim().split('\n')) expect(line.match(/"provider":/g)).toHaveLength(1);
    expect(readJsonl(w.logPath).map((e) => e.provider)).toEqual(['claude', 'claude']);
  });

  it('appendEventToLog rejects it too, with and without an owner', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    const owned = await rejection(appendEventToLog(w.logPath, 'claude', 'ses-a', null, limit('codex')));
    expect(isSessionLogError(owned, 'ERR_INVALID_EVENT')).toBe(true);
    await w.close();
    const ownerless = await rejection(appendEventToLog(w.logPath, 'claude', 'ses-a', null, limit('codex')));
    expect(isSessionLogError(ownerless, 'ERR_INVALID_EVENT')).toBe(true);
    expect(fs.statSync(w.logPath).size).toBe(0);
    const ok = await appendEventToLog(w.logPath, 'claude', 'ses-a', null, limit('claude'));
    expect(ok).toMatchObject({ seq: 1, provider: 'claude', type: 'usage_limit_hit' });
  });
});

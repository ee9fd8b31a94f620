import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, isSessionLogError, loadIndex, type AgentLogEvent } from '../../src/index.js';
import { readJsonl, tempDir } from '../helpers/tmp.js';

const meta = { provider: 'claude', wrapperSessionId: 'ses-1', command: 'run' };

describe('SessionLogWriter lifecycle', () => {
  it('creates the log and index entry, assigns seq from 1 and returns the written events', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, { ...meta, model: 'opus', workspacePath: '/w' });
    expect(w.logPath).toBe(path.join(dir, 'sessions', 'ses-1.jsonl'));
    expect(w.indexPath).toBe(path.join(dir, 'index.json'));
    expect(w.providerSessionId).toBeNull();
    const idx = await loadIndex(dir);
    expect(idx.sessions.map((s) => s.wrapper_session_id)).toEqual(['ses-1']);

    const a = w.emit('wrapper', { type: 'session_started', command: 'run', model: 'opus', cwd: '/w', resumed: false, backfilled: false });
    const b = w.emit('provider_file', { type: 'assistant_message', content: 'hi' });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(b).toMatchObject({
      provider: 'claude',
      wrapper_session_id: 'ses-1',
      provider_session_id: null,
      source_kind: 'provider_file',
      completeness: 'full',
      type: 'assistant_message',
      content: 'hi',
      message_id: null,
    });
    expect(b.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The line is in the file as soon as emit returns.
    expect(readJsonl(w.logPath).map((e) => e.seq)).toEqual([1, 2]);

    await w.setProviderSessionId('native-1');
    expect(w.providerSessionId).toBe('native-1');
    expect(w.emit('wrapper', { type: 'heartbeat', interval_secs: 10 }).provider_session_id).toBe('native-1');
    await w.finish(true);
    await w.close();

    const lines = readJsonl(w.logPath);
    expect(lines.map((e) => e.type)).toEqual(['session_started', 'assistant_message', 'heartbeat', 'session_ended']);
    expect(lines.at(-1)).toMatchObject({ success: true, error: null, seq: 4 });
    const entry = (await loadIndex(dir)).sessions[0]!;
    expect(entry).toMatchObject({
      provider: 'claude',
      provider_session_id: 'native-1',
      log_path: w.logPath,
      workspace_path: '/w',
      command: 'run',
      completeness: 'full',
      backfilled: false,
    });
    expect(entry.ended_at).toMatch(/Z$/);
  });

  it('rejects an invalid event or source kind without writing anything', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    expect(() => w.emit('wrapper', { type: 'user_message', role: 'user' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_EVENT' }),
    );
    expect(() => w.emit('wrapper', { type: 'no_such_kind' } as never)).toThrow(/unknown event type/);
    expect(() => w.emit('nowhere' as never, { type: 'stderr', message: 'x' })).toThrow(/source kind/);
    expect(fs.readFileSync(w.logPath, 'utf8')).toBe('');
    expect(w.emit('wrapper', { type: 'stderr', message: 'x' }).seq).toBe(1);
    await w.close();
  });

  it('setCompleteness only lowers; addSourcePath de-duplicates', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    await w.setCompleteness('partial');
    await w.setCompleteness('full');
    expect(w.emit('wrapper', { type: 'stderr', message: 'x' }).completeness).toBe('partial');
    await w.setCompleteness('metadata_only');
    await w.addSourcePath('/a');
    await w.addSourcePath('/b');
    await w.addSourcePath('/a');
    const e = (await loadIndex(dir)).sessions[0]!;
    expect(e.completeness).toBe('metadata_only');
    expect(e.source_paths).toEqual(['/a', '/b']);
    await w.close();
  });

  it('finish writes exactly one session_ended even if called twice; close is idempotent and disposes', async () => {
    const dir = tempDir();
    let logPath = '';
    {
      await using w = await SessionLogWriter.create(dir, meta);
      logPath = w.logPath;
      await Promise.all([w.finish(false, 'boom'), w.finish(true)]);
      await w.close();
      await w.close();
      expect(() => w.emit('wrapper', { type: 'stderr', message: 'late' })).toThrow(
        expect.objectContaining({ code: 'ERR_WRITER_CLOSED' }),
      );
    } // asyncDispose runs close() a third time
    const lines = readJsonl(logPath);
    expect(lines.filter((l) => l.type === 'session_ended')).toEqual([expect.objectContaining({ success: false, error: 'boom' })]);
    // Ownership files are gone once closed.
    expect(fs.readdirSync(path.dirname(logPath))).toEqual(['ses-1.jsonl']);
  });

  it('calls every subscriber after the write; a throwing or rejecting one does not affect the others', async () => {
    const dir = tempDir();
    const errors: unknown[] = [];
    const w = await SessionLogWriter.create(dir, meta, { onSubscriberError: (err) => errors.push(err) });
    const seen: number[] = [];
    const sizes: number[] = [];
    w.onLogEvent(() => {
      throw new Error('bad subscriber');
    });
    w.onLogEvent(async () => {
      throw new Error('async bad subscriber');
    });
    const off = w.onLogEvent((e: AgentLogEvent) => {
      seen.push(e.seq);
      sizes.push(fs.statSync(w.logPath).size);
    });
    w.emit('wrapper', { type: 'stderr', message: 'one' });
    w.emit('wrapper', { type: 'stderr', message: 'two' });
    off();
    w.emit('wrapper', { type: 'stderr', message: 'three' });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2]);
    // Each subscriber saw its event already in the file.
    expect(sizes[0]).toBeGreaterThan(0);
    expect(sizes[1]).toBeGreaterThan(sizes[0]!);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual([
      'async bad subscriber',
      'async bad subscriber',
      'async bad subscriber',
      'bad subscriber',
      'bad subscriber',
      'bad subscriber',
    ]);
    expect(readJsonl(w.logPath)).toHaveLength(3);
    await w.close();
  });

  it('refuses a second live writer on the same log', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    const err = await SessionLogWriter.create(dir, meta).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_LOG_OWNED')).toBe(true);
    w.emit('wrapper', { type: 'stderr', message: 'still fine' });
    await w.close();
    const again = await SessionLogWriter.create(dir, meta);
    expect(again.emit('wrapper', { type: 'stderr', message: 'next' }).seq).toBe(2);
    await again.close();
  });
});

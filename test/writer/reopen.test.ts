import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, readSessionLog } from '../../src/index.js';
import { readJsonl, tempDir } from '../helpers/tmp.js';

const meta = { provider: 'claude', wrapperSessionId: 'ses-r', command: 'run' };

async function writeEvents(dir: string, n: number): Promise<string> {
  const w = await SessionLogWriter.create(dir, meta);
  for (let i = 0; i < n; i++) w.emit('wrapper', { type: 'stderr', message: `line ${i}` });
  await w.close();
  return w.logPath;
}

describe('create on an existing log', () => {
  it('continues after the last seq', async () => {
    const dir = tempDir();
    await writeEvents(dir, 3);
    const w = await SessionLogWriter.create(dir, { ...meta, resumed: true });
    expect(w.nextSeq).toBe(4);
    expect(w.emit('wrapper', { type: 'stderr', message: 'again' }).seq).toBe(4);
    await w.close();
  });

  it('cuts off a torn last line and keeps its bytes in a parse_warning', async () => {
    const dir = tempDir();
    const logPath = await writeEvents(dir, 3);
    const torn = '{"seq":4,"ts":"2026-11-28T19:00:00.1';
    fs.appendFileSync(logPath, torn);
    const w = await SessionLogWriter.create(dir, meta);
    const next = w.emit('wrapper', { type: 'stderr', message: 'after' });
    await w.close();
    const lines = readJsonl(logPath); // every line parses
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[3]).toMatchObject({ type: 'parse_warning', raw: torn });
    expect(lines[3]!.message).toMatch(/torn/);
    expect(next.seq).toBe(5);
    // The public reader sees one valid event per line.
    const read = [];
    for await (const e of readSessionLog(logPath)) read.push(e.type);
    expect(read).toEqual(['stderr', 'stderr', 'stderr', 'parse_warning', 'stderr']);
  });

  it('terminates a whole event that only lacks its newline instead of cutting it', async () => {
    const dir = tempDir();
    const logPath = await writeEvents(dir, 2);
    const whole = readJsonl(logPath)[1]!;
    fs.appendFileSync(logPath, JSON.stringify({ ...whole, seq: 3 }));
    const w = await SessionLogWriter.create(dir, meta);
    expect(w.emit('wrapper', { type: 'stderr', message: 'x' }).seq).toBe(4);
    await w.close();
    expect(readJsonl(logPath).map((l) => [l.seq, l.type])).toEqual([
      [1, 'stderr'],
      [2, 'stderr'],
      [3, 'stderr'],
      [4, 'stderr'],
    ]);
  });

  it('walks back past a corrupt or blank last line to find the last seq', async () => {
    const dir = tempDir();
    const logPath = await writeEvents(dir, 5);
    fs.appendFileSync(logPath, 'not json at all\n\n');
    const w = await SessionLogWriter.create(dir, meta);
    expect(w.nextSeq).toBe(6);
    await w.close();
  });

  it('reads lines zag wrote (chrono timestamps, provider twice in usage_limit_hit)', async () => {
    const dir = tempDir();
    const logPath = path.join(dir, 'sessions', 'ses-r.jsonl');
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    fs.writeFileSync(
      logPath,
      '{"seq":1,"ts":"2026-03-24T12:00:00.123456789+00:00","provider":"claude","wrapper_session_id":"ses-r","provider_session_id":null,"source_kind":"wrapper","completeness":"full","type":"session_started","command":"run","model":null,"cwd":null,"resumed":false,"backfilled":false}\n' +
        '{"seq":2,"ts":"2026-03-24T12:00:01.5+00:00","provider":"claude","wrapper_session_id":"ses-r","provider_session_id":null,"source_kind":"wrapper","completeness":"full","type":"usage_limit_hit","provider":"claude","scope":"session","fallback_used":false,"incident_id":"i"}\n',
    );
    const w = await SessionLogWriter.create(dir, meta);
    expect(w.nextSeq).toBe(3);
    await w.close();
  });

  it('reads only the tail: a 2 GiB sparse log opens at once with the right seq', async () => {
    const dir = tempDir();
    const logPath = path.join(dir, 'sessions', 'ses-r.jsonl');
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    const fd = fs.openSync(logPath, 'w');
    fs.ftruncateSync(fd, 2 ** 31); // holes read as NUL bytes; reading them all would take seconds and 2 GiB
    fs.closeSync(fd);
    fs.appendFileSync(
      logPath,
      '\n{"seq":123456789,"ts":"2026-11-28T19:00:00.000Z","provider":"claude","wrapper_session_id":"ses-r","provider_session_id":null,"source_kind":"wrapper","completeness":"full","type":"stderr","message":"m"}\n',
    );
    const w = await SessionLogWriter.create(dir, meta);
    expect(w.nextSeq).toBe(123456790);
    await w.close();
  });
});

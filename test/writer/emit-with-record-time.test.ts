import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, isSessionLogError } from '../../src/index.js';
import { readJsonl, tempDir } from '../helpers/tmp.js';

const meta = { provider: 'claude', wrapperSessionId: 'ses-t', command: 'run' };
const text = (content: string) => ({ type: 'assistant_message' as const, content });

describe('SessionLogWriter.emit with a record time', () => {
  it('writes the given time as RFC 3339 UTC with milliseconds, and the wall clock without one', async () => {
    const w = await SessionLogWriter.create(tempDir(), meta);
    const before = Date.now();
    const a = w.emit('provider_file', text('a'), { ts: '2025-06-01T12:00:00+02:00' });
    const b = w.emit('provider_file', text('b'), { ts: '2025-06-01T10:00:00.5Z' });
    const c = w.emit('wrapper', text('c'));
    await w.close();
    expect([a.ts, b.ts]).toEqual(['2025-06-01T10:00:00.000Z', '2025-06-01T10:00:00.500Z']);
    expect(Date.parse(c.ts)).toBeGreaterThanOrEqual(before - 1);
    expect(readJsonl(w.logPath).map((e) => e.ts)).toEqual([a.ts, b.ts, c.ts]);
  });

  it('keeps seq the order of writing when ts goes backwards', async () => {
    const w = await SessionLogWriter.create(tempDir(), meta);
    w.emit('provider_file', text('late'), { ts: '2025-06-01T10:05:00.000Z' });
    w.emit('provider_file', text('early'), { ts: '2025-06-01T10:00:00.000Z' });
    await w.close();
    expect(readJsonl(w.logPath).map((e) => [e.seq, e.ts])).toEqual([
      [1, '2025-06-01T10:05:00.000Z'],
      [2, '2025-06-01T10:00:00.000Z'],
    ]);
  });

  it.each([
    ['not a time', 'yesterday'],
    ['a date only', '2025-06-01'],
    ['no zone', '2025-06-01T10:00:00'],
    ['month 13', '2025-13-01T10:00:00Z'],
    ['February 30th', '2025-02-30T10:00:00Z'],
    ['25 o\'clock', '2025-06-01T25:00:00Z'],
    ['a number', 1748772000000],
  ])('rejects %s with ERR_INVALID_EVENT and writes nothing', async (_name, ts) => {
    const w = await SessionLogWriter.create(tempDir(), meta);
    const size = fs.statSync(w.logPath).size;
    let err: unknown;
    try {
      w.emit('provider_file', text('x'), { ts: ts as string });
    } catch (e) {
      err = e;
    }
    expect(isSessionLogError(err, 'ERR_INVALID_EVENT')).toBe(true);
    expect(fs.statSync(w.logPath).size).toBe(size);
    expect(w.emit('wrapper', text('next')).seq).toBe(1);
    await w.close();
  });
});

import { describe, expect, it } from 'vitest';
import { FaultReporter, type FaultData } from '../../src/coordinator/fault-reporter.js';

function setup(windowMs = 1000) {
  let now = 0;
  const written: Array<{ message: string; data: FaultData }> = [];
  const r = new FaultReporter((message, data) => written.push({ message, data }), {
    repeatWindowMs: windowMs,
    now: () => now,
  });
  return { r, written, advance: (ms: number) => (now += ms) };
}

describe('FaultReporter', () => {
  it('writes an error once per window and counts the repeats', () => {
    const { r, written, advance } = setup();
    for (let i = 0; i < 10; i++) {
      r.report('poll', new Error('boom'));
      advance(50);
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toEqual({
      message: 'live adapter poll failed: boom',
      data: { source: 'poll', error: 'boom', error_code: null, repeats: 0, summary: false },
    });
    advance(1000);
    r.report('poll', new Error('boom'));
    expect(written).toHaveLength(2);
    expect(written[1]?.data).toMatchObject({ repeats: 9, summary: false });
    expect(written[1]?.message).toBe('live adapter poll failed: boom (and 9 more times since it was last reported)');
    r.report('poll', new Error('boom'));
    r.report('poll', new Error('boom'));
    r.flush();
    expect(written[2]).toEqual({
      message: 'live adapter poll failed: boom (repeated 2 more times)',
      data: { source: 'poll', error: 'boom', error_code: null, repeats: 2, summary: true },
    });
    // Accounting: every non-summary event is one occurrence, plus all repeats.
    const total = written.reduce((n, w) => n + (w.data.summary ? 0 : 1) + w.data.repeats, 0);
    expect(total).toBe(13);
    r.flush();
    expect(written).toHaveLength(3);
  });

  it('keeps different errors and sources apart, with the error name and code', () => {
    const { r, written } = setup();
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    r.report('poll', enoent);
    r.report('finalize', enoent);
    r.report('poll', new TypeError('x is undefined'));
    r.report('poll', 'a string');
    expect(written.map((w) => w.message)).toEqual([
      'live adapter poll failed: ENOENT: no such file',
      'live adapter finalize failed: ENOENT: no such file',
      'live adapter poll failed: TypeError: x is undefined',
      'live adapter poll failed: a string',
    ]);
    expect(written[0]?.data.error_code).toBe('ENOENT');
  });

  it('never throws when writing fails', () => {
    const r = new FaultReporter(() => {
      throw new Error('log gone');
    });
    expect(() => {
      r.report('heartbeat', new Error('x'));
      r.report('heartbeat', new Error('x'));
      r.flush();
    }).not.toThrow();
  });

  it('stays bounded when every error text is different, summarizing what it drops', () => {
    const { r, written } = setup();
    r.report('poll', new Error('first'));
    r.report('poll', new Error('first'));
    for (let i = 0; i < 200; i++) r.report('poll', new Error(`offset ${i}`));
    expect(written.filter((w) => w.data.summary)).toEqual([
      expect.objectContaining({ message: 'live adapter poll failed: first (repeated 1 more time)' }),
    ]);
  });
});

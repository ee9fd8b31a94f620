import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KIND_FIELDS, KIND_SCHEMAS, LOG_EVENT_TYPES, SessionLogError, normalizeEventInput, type LogEventType } from '../../src/index.js';

/**
 * normalizeEventInput skips zod for plain, valid events (a hand-written check
 * per field). These tests hold it to exactly what zod's kind schema gives:
 * the same keys in the same order (including keys present with `undefined`),
 * the same values, and an error wherever zod has one.
 */

/** Keys and values, `undefined` values included, in order. */
function entries(value: object): Array<[string, unknown]> {
  return Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]);
}

function viaZod(type: LogEventType, input: unknown): { ok: true; value: Array<[string, unknown]> } | { ok: false } {
  const r = KIND_SCHEMAS[type].safeParse(input);
  return r.success ? { ok: true, value: entries(r.data as object) } : { ok: false };
}

function viaNormalize(input: unknown): { ok: true; value: Array<[string, unknown]> } | { ok: false } {
  try {
    return { ok: true, value: entries(normalizeEventInput(input as never) as object) };
  } catch (err) {
    expect(err).toBeInstanceOf(SessionLogError);
    expect((err as SessionLogError).code).toBe('ERR_INVALID_EVENT');
    return { ok: false };
  }
}

/** Values that each field type accepts or rejects, edge cases included. */
const anyValue = fc.oneof(
  fc.constantFrom(
    undefined, null, '', 'x', 'shell', 'file_read', 'other', 'not-a-kind', true, false,
    0, -0, 1, 2.5, -1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, -Infinity,
    [], [1, 'a'], {}, { a: 1 }, () => 1,
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.jsonValue(),
);

function eventArb(type: LogEventType): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...Object.keys(KIND_FIELDS[type]), 'extra'];
  return fc
    .tuple(fc.subarray(keys), fc.array(anyValue, { minLength: keys.length, maxLength: keys.length }), fc.boolean())
    .map(([present, values, shuffled]) => {
      const ordered = shuffled ? [...present].reverse() : present;
      const ev: Record<string, unknown> = { type };
      for (const [i, k] of ordered.entries()) ev[k] = values[i];
      return ev;
    });
}

/** A valid event of `type` with every field set (the common case, which the fast path takes). */
const SAMPLES: Record<LogEventType, Record<string, unknown>> = {
    session_started: { command: 'run', model: 'm', cwd: '/w', resumed: false, backfilled: true },
    user_message: { role: 'user', content: 'hi', message_id: 'u1' },
    assistant_message: { content: 'hello', message_id: 'm1' },
    reasoning: { content: 'hmm', message_id: null },
    tool_call: { tool_name: 'Bash', tool_kind: 'shell', tool_id: 't1', input: { command: 'ls' } },
    tool_result: { tool_name: 'Bash', tool_kind: 'shell', tool_id: 't1', success: true, output: 'ok', error: null, data: [1] },
    permission: { tool_name: 'Bash', description: 'run ls', granted: true },
    provider_status: { message: 'm', data: { kind: 'x' } },
    stderr: { message: 'oops' },
    parse_warning: { message: 'bad', raw: '{' },
    session_cleared: { old_session_id: 'a', new_session_id: 'b' },
    session_ended: { success: true, error: null },
    session_result: { result: 'done' },
    heartbeat: { interval_secs: 10 },
    usage: { input_tokens: 1, output_tokens: 2, cache_read_tokens: 3, cache_creation_tokens: 4, total_cost_usd: 0.5 },
    user_event: { level: 'info', message: 'm', data: { a: 1 } },
    usage_limit_hit: { provider: 'claude', scope: 's', reset_at: 'r', scheduled_resume_at: 'q', fallback_used: true, incident_id: 'i', raw: {} },
    usage_limit_resumed: { incident_id: 'i', resume_message: 'go', attempt: 2 },
    usage_limit_resume_failed: { incident_id: 'i', error: 'e', attempt: 3 },
};

function fullEventArb(type: LogEventType): fc.Arbitrary<Record<string, unknown>> {
  return fc.constant({ type, ...SAMPLES[type] });
}

/** The full sample, and the sample with each field in turn left out, null, or undefined. */
function variants(type: LogEventType): Array<Record<string, unknown>> {
  const full: Record<string, unknown> = { type, ...SAMPLES[type] };
  const out: Array<Record<string, unknown>> = [full];
  for (const key of Object.keys(SAMPLES[type])) {
    const without = { ...full };
    delete without[key];
    out.push(without, { ...full, [key]: null }, { ...full, [key]: undefined });
  }
  return out;
}

function expectSame(type: LogEventType, input: Record<string, unknown>): void {
  const zod = viaZod(type, input);
  const ours = viaNormalize(input);
  expect(ours.ok).toBe(zod.ok);
  if (ours.ok && zod.ok) {
    expect(ours.value.map(([k]) => k)).toEqual(zod.value.map(([k]) => k));
    // Object.is, except that any NaN equals any NaN.
    for (const [i, [, v]] of ours.value.entries()) {
      const z = zod.value[i]![1];
      expect(Object.is(v, z) || (Number.isNaN(v) && Number.isNaN(z))).toBe(true);
    }
  }
}

describe('normalizeEventInput fast path', () => {
  it('every kind: each field left out, null or undefined gives what zod gives', () => {
    for (const type of LOG_EVENT_TYPES) for (const input of variants(type)) expectSame(type, input);
  });

  for (const type of LOG_EVENT_TYPES) {
    it(`${type}: same result as zod for random field sets, values and key orders`, () => {
      fc.assert(
        fc.property(fc.oneof(eventArb(type), fullEventArb(type)), (input) => expectSame(type, input)),
        { numRuns: 400 },
      );
    });
  }

  it('inputs that are not plain objects still get zod\'s answer', () => {
    class Ended {
      type = 'session_ended' as const;
      success = true;
    }
    const inherited = Object.assign(Object.create({ success: false }), { type: 'session_ended' });
    for (const input of [new Ended(), inherited, Object.assign(Object.create(null), { type: 'stderr', message: 'm' })]) {
      const type = (input as { type: LogEventType }).type;
      expect(viaNormalize(input)).toEqual(viaZod(type, input));
    }
  });

  it('returns a new object: the input is never handed back or changed', () => {
    const input = { type: 'assistant_message' as const, content: 'hi', message_id: 'm', extra: 1 };
    const out = normalizeEventInput(input);
    expect(out).not.toBe(input);
    expect(input).toEqual({ type: 'assistant_message', content: 'hi', message_id: 'm', extra: 1 });
    expect(out).toEqual({ type: 'assistant_message', content: 'hi', message_id: 'm' });
  });
});

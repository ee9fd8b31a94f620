import { describe, expect, it } from 'vitest';
import {
  AgentLogEventSchema,
  LogEventKindSchema,
  SessionLogError,
  isKnownEventType,
  normalizeEventInput,
  parseLogEvent,
  serializeEvent,
  serializeLogEvent,
  type AgentLogEvent,
} from '../../src/index.js';

const env = {
  seq: 7,
  ts: '2026-11-28T19:00:00.123Z',
  provider: 'claude',
  wrapper_session_id: 'ses-1',
  provider_session_id: null,
  source_kind: 'wrapper',
  completeness: 'full',
} as const;

function parse(line: string): AgentLogEvent {
  const r = parseLogEvent(JSON.parse(line));
  if (!r.ok) throw new Error(r.error);
  return r.event;
}

describe('reading lines written by zag', () => {
  it('accepts chrono timestamps, seq 0 from append_event_to_log and omitted optional keys', () => {
    const line =
      '{"seq":0,"ts":"2026-11-28T19:00:00.123456789+00:00","provider":"codex","wrapper_session_id":"w",' +
      '"source_kind":"wrapper","completeness":"full","type":"session_result","result":"done"}';
    const ev = parse(line);
    expect(ev.seq).toBe(0);
    expect(ev.provider_session_id).toBeNull();
    expect(ev.type).toBe('session_result');
  });

  it('accepts usage_limit_hit with the provider key written twice (serde) and once (ours)', () => {
    const twice =
      '{"seq":1,"ts":"t","provider":"claude","wrapper_session_id":"w","provider_session_id":null,' +
      '"source_kind":"wrapper","completeness":"full","type":"usage_limit_hit","provider":"claude",' +
      '"scope":"session","fallback_used":false,"incident_id":"i-1"}';
    const once = twice.replace(',"provider":"claude","scope"', ',"scope"');
    for (const line of [twice, once]) {
      const ev = parse(line);
      expect(ev.type).toBe('usage_limit_hit');
      expect(ev.provider).toBe('claude');
    }
    // Our writer writes it once, so strict JSON readers accept our lines.
    const ours = serializeLogEvent(parse(twice));
    expect(ours).toBe(once);
    expect(ours.match(/"provider":/g)).toHaveLength(1);
  });

  it('fills serde defaults when they are missing', () => {
    const line =
      '{"seq":1,"ts":"t","provider":"claude","wrapper_session_id":"w","provider_session_id":null,' +
      '"source_kind":"wrapper","completeness":"full","type":"usage_limit_resumed","incident_id":"i","resume_message":"go"}';
    const ev = parse(line);
    expect(ev).toMatchObject({ type: 'usage_limit_resumed', attempt: 1 });
  });

  it('passes unknown event types through unchanged', () => {
    const value = { ...env, type: 'future_kind', extra: { a: 1 } };
    const r = parseLogEvent(value);
    expect(r.ok && r.event).toEqual(value);
    expect(AgentLogEventSchema.safeParse(value).success).toBe(true);
    expect(isKnownEventType('future_kind')).toBe(false);
  });

  it('rejects a known type with wrong fields, both in the fast path and the union schema', () => {
    const bad = { ...env, type: 'usage', input_tokens: 'many', output_tokens: 1 };
    expect(parseLogEvent(bad).ok).toBe(false);
    expect(AgentLogEventSchema.safeParse(bad).success).toBe(false);
    expect(parseLogEvent([1]).ok).toBe(false);
  });
});

describe('serializing like serde', () => {
  it('writes integral floats the way serde_json does', () => {
    const kind = normalizeEventInput({ type: 'usage', input_tokens: 1, output_tokens: 2, total_cost_usd: 3 });
    expect(serializeEvent(env, kind)).toContain('"total_cost_usd":3.0}');
    const frac = normalizeEventInput({ type: 'usage', input_tokens: 1, output_tokens: 2, total_cost_usd: 0.125 });
    expect(serializeEvent(env, frac)).toContain('"total_cost_usd":0.125}');
  });

  it('round-trips: parse(serialize(x)) serializes to the same bytes', () => {
    const inputs = [
      { type: 'tool_call', tool_name: 'Bash', tool_kind: 'shell', tool_id: 't1', input: { command: 'ls' } },
      { type: 'tool_result', tool_id: 't1', success: false, error: 'exit 1', data: [1, 'two', null] },
      { type: 'user_event', level: 'info', message: 'm\u0001\n"q"', data: { x: 1 } },
      { type: 'heartbeat', interval_secs: 10 },
    ] as const;
    for (const input of inputs) {
      const line = serializeEvent(env, normalizeEventInput(input));
      expect(serializeLogEvent(parse(line))).toBe(line);
    }
  });

  it('escapes control characters exactly as serde_json (lower-case \\u00XX)', () => {
    const line = serializeEvent(env, normalizeEventInput({ type: 'stderr', message: '\u0000\u001f\t\u00e9' }));
    expect(line).toContain('"message":"\\u0000\\u001f\\té"');
  });

  it('rejects invalid input with a typed error', () => {
    let caught: unknown;
    try {
      normalizeEventInput({ type: 'usage', input_tokens: -1, output_tokens: 0 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SessionLogError);
    expect((caught as SessionLogError).code).toBe('ERR_INVALID_EVENT');
    expect(() => normalizeEventInput({ type: 'nope' } as never)).toThrow(/unknown event type/);
  });

  it('LogEventKindSchema covers exactly the 19 kinds', () => {
    expect(LogEventKindSchema.options).toHaveLength(19);
  });
});

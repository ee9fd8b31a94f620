import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, type LogEventInput } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * For every kind: the input with only required fields, the input with every
 * field, and the exact bytes zag's serde writes after the envelope.
 */
const CASES: Array<[string, LogEventInput, string]> = [
  ['session_started required', { type: 'session_started', command: 'run', resumed: false, backfilled: false },
    '"type":"session_started","command":"run","model":null,"cwd":null,"resumed":false,"backfilled":false'],
  ['session_started full', { type: 'session_started', command: 'run', model: 'opus', cwd: '/w', resumed: true, backfilled: true },
    '"type":"session_started","command":"run","model":"opus","cwd":"/w","resumed":true,"backfilled":true'],
  ['user_message required', { type: 'user_message', role: 'user', content: 'hi "you"\n' },
    '"type":"user_message","role":"user","content":"hi \\"you\\"\\n","message_id":null'],
  ['user_message full', { type: 'user_message', role: 'user', content: 'hi', message_id: 'm1' },
    '"type":"user_message","role":"user","content":"hi","message_id":"m1"'],
  ['assistant_message required', { type: 'assistant_message', content: 'ünïcode ✓' },
    '"type":"assistant_message","content":"ünïcode ✓","message_id":null'],
  ['assistant_message full', { type: 'assistant_message', content: 'a', message_id: 'm2' },
    '"type":"assistant_message","content":"a","message_id":"m2"'],
  ['reasoning required', { type: 'reasoning', content: 'think' }, '"type":"reasoning","content":"think","message_id":null'],
  ['reasoning full', { type: 'reasoning', content: 'think', message_id: 'm3' },
    '"type":"reasoning","content":"think","message_id":"m3"'],
  ['tool_call required', { type: 'tool_call', tool_name: 'Bash' },
    '"type":"tool_call","tool_name":"Bash","tool_id":null,"input":null'],
  ['tool_call full', { type: 'tool_call', tool_name: 'Bash', tool_kind: 'shell', tool_id: 't1', input: { command: 'ls', n: [1, 2] } },
    '"type":"tool_call","tool_name":"Bash","tool_kind":"shell","tool_id":"t1","input":{"command":"ls","n":[1,2]}'],
  ['tool_result required', { type: 'tool_result' },
    '"type":"tool_result","tool_name":null,"tool_id":null,"success":null,"output":null,"error":null,"data":null'],
  ['tool_result full', { type: 'tool_result', tool_name: 'Bash', tool_kind: 'shell', tool_id: 't1', success: false, output: 'o', error: 'e', data: { a: 1 } },
    '"type":"tool_result","tool_name":"Bash","tool_kind":"shell","tool_id":"t1","success":false,"output":"o","error":"e","data":{"a":1}'],
  ['permission', { type: 'permission', tool_name: 'Bash', description: 'run ls', granted: true },
    '"type":"permission","tool_name":"Bash","description":"run ls","granted":true'],
  ['provider_status required', { type: 'provider_status', message: 'm' }, '"type":"provider_status","message":"m","data":null'],
  ['provider_status full', { type: 'provider_status', message: 'm', data: { k: 'v', n: null } },
    '"type":"provider_status","message":"m","data":{"k":"v","n":null}'],
  ['stderr', { type: 'stderr', message: 'oops' }, '"type":"stderr","message":"oops"'],
  ['parse_warning required', { type: 'parse_warning', message: 'w' }, '"type":"parse_warning","message":"w","raw":null'],
  ['parse_warning full', { type: 'parse_warning', message: 'w', raw: '{bad' },
    '"type":"parse_warning","message":"w","raw":"{bad"'],
  ['session_cleared required', { type: 'session_cleared' },
    '"type":"session_cleared","old_session_id":null,"new_session_id":null'],
  ['session_cleared full', { type: 'session_cleared', old_session_id: 'a', new_session_id: 'b' },
    '"type":"session_cleared","old_session_id":"a","new_session_id":"b"'],
  ['session_ended required', { type: 'session_ended', success: true }, '"type":"session_ended","success":true,"error":null'],
  ['session_ended full', { type: 'session_ended', success: false, error: 'x' },
    '"type":"session_ended","success":false,"error":"x"'],
  ['session_result', { type: 'session_result', result: 'done' }, '"type":"session_result","result":"done"'],
  ['heartbeat required', { type: 'heartbeat' }, '"type":"heartbeat","interval_secs":null'],
  ['heartbeat full', { type: 'heartbeat', interval_secs: 10 }, '"type":"heartbeat","interval_secs":10'],
  ['usage required', { type: 'usage', input_tokens: 1, output_tokens: 2 },
    '"type":"usage","input_tokens":1,"output_tokens":2'],
  ['usage full', { type: 'usage', input_tokens: 1500, output_tokens: 500, cache_read_tokens: 200, cache_creation_tokens: 4, total_cost_usd: 0.0042 },
    '"type":"usage","input_tokens":1500,"output_tokens":500,"cache_read_tokens":200,"cache_creation_tokens":4,"total_cost_usd":0.0042'],
  ['usage integral cost (serde writes an f64 as 1.0)', { type: 'usage', input_tokens: 0, output_tokens: 0, total_cost_usd: 1 },
    '"type":"usage","input_tokens":0,"output_tokens":0,"total_cost_usd":1.0'],
  ['user_event required', { type: 'user_event', level: 'info', message: 'm' }, '"type":"user_event","level":"info","message":"m"'],
  ['user_event full', { type: 'user_event', level: 'warn', message: 'm', data: { x: 1 } },
    '"type":"user_event","level":"warn","message":"m","data":{"x":1}'],
  ['usage_limit_hit required', { type: 'usage_limit_hit', scope: 'session', incident_id: 'i1' },
    '"type":"usage_limit_hit","scope":"session","fallback_used":false,"incident_id":"i1"'],
  ['usage_limit_hit full (provider once, in the envelope)',
    { type: 'usage_limit_hit', provider: 'claude', scope: 'weekly', reset_at: '2026-12-01T00:00:00Z', scheduled_resume_at: '2026-12-01T00:01:00Z', fallback_used: true, incident_id: 'i1', raw: { m: 1 } },
    '"type":"usage_limit_hit","scope":"weekly","reset_at":"2026-12-01T00:00:00Z","scheduled_resume_at":"2026-12-01T00:01:00Z","fallback_used":true,"incident_id":"i1","raw":{"m":1}'],
  ['usage_limit_resumed required', { type: 'usage_limit_resumed', incident_id: 'i1', resume_message: 'go' },
    '"type":"usage_limit_resumed","incident_id":"i1","resume_message":"go","attempt":1'],
  ['usage_limit_resumed full', { type: 'usage_limit_resumed', incident_id: 'i1', resume_message: 'go', attempt: 3 },
    '"type":"usage_limit_resumed","incident_id":"i1","resume_message":"go","attempt":3'],
  ['usage_limit_resume_failed required', { type: 'usage_limit_resume_failed', incident_id: 'i1', error: 'e' },
    '"type":"usage_limit_resume_failed","incident_id":"i1","error":"e","attempt":1'],
  ['usage_limit_resume_failed full', { type: 'usage_limit_resume_failed', incident_id: 'i1', error: 'e', attempt: 2 },
    '"type":"usage_limit_resume_failed","incident_id":"i1","error":"e","attempt":2'],
];

describe('emit writes the exact line zag writes', () => {
  it('covers all 19 kinds', () => {
    expect(new Set(CASES.map(([, input]) => input.type)).size).toBe(19);
  });

  it.each(CASES)('%s', async (_name, input, kindPart) => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, { provider: 'claude', wrapperSessionId: 'ses-1', command: 'run' });
    const ev = w.emit('wrapper', input);
    await w.close();
    const expected =
      `{"seq":1,"ts":"${ev.ts}","provider":"claude","wrapper_session_id":"ses-1","provider_session_id":null,` +
      `"source_kind":"wrapper","completeness":"full",${kindPart}}\n`;
    expect(fs.readFileSync(w.logPath, 'utf8')).toBe(expected);
    expect(ev.provider).toBe('claude');
  });

  it('writes the current provider_session_id and completeness in the envelope', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, { provider: 'codex', wrapperSessionId: 'ses-2', command: 'exec', providerSessionId: 'p-9' });
    await w.setCompleteness('partial');
    const ev = w.emit('backfill', { type: 'stderr', message: 'x' });
    await w.close();
    expect(fs.readFileSync(w.logPath, 'utf8')).toBe(
      `{"seq":1,"ts":"${ev.ts}","provider":"codex","wrapper_session_id":"ses-2","provider_session_id":"p-9",` +
        `"source_kind":"backfill","completeness":"partial","type":"stderr","message":"x"}\n`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { LogEventInput } from '../../../src/index.js';
import { createCodexParser } from '../../../src/providers/index.js';

const TS = '2026-11-28T20:00:00.000Z';
const line = (type: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ timestamp: TS, type, payload, ...extra });
const ev = (payload: Record<string, unknown>) => line('event_msg', payload);
const ri = (payload: Record<string, unknown>) => line('response_item', payload);
const meta = (extra: Record<string, unknown> = {}) =>
  line('session_meta', { id: 'thread-1', cwd: '/w', timestamp: TS, source: 'cli', ...extra });
const start = (turn: string) => ev({ type: 'task_started', turn_id: turn });
const done = (turn: string, error?: unknown) => ev({ type: 'task_complete', turn_id: turn, ...(error ? { error } : {}) });
const call = (id: string, name: string, args: unknown) =>
  ri({ type: 'function_call', name, arguments: JSON.stringify(args), call_id: id });
const output = (id: string, out: unknown) => ri({ type: 'function_call_output', call_id: id, output: out });
const unified = (body: string) => `Chunk ID: a1\nWall time: 0.1 seconds\n${body}\nOriginal token count: 1\nOutput:\nx`;

function run(lines: string[]): LogEventInput[] {
  const p = createCodexParser();
  const out: LogEventInput[] = [];
  for (const l of lines) for (const [, e] of p.push(l)) out.push(e);
  for (const [, e] of p.end()) out.push(e);
  return out;
}
const results = (events: LogEventInput[]) =>
  events.filter((e): e is Extract<LogEventInput, { type: 'tool_result' }> => e.type === 'tool_result');

describe('Codex parser rules', () => {
  it('a process left running gets its exit status from the write_stdin that saw it end; the late end event is dropped', () => {
    const events = run([
      meta(),
      start('t1'),
      call('c1', 'exec_command', { cmd: 'npm test' }),
      output('c1', unified('Process running with session ID 42')),
      call('c2', 'write_stdin', { session_id: 42, chars: '' }),
      output('c2', unified('Process exited with code 3')),
      ev({ type: 'exec_command_end', call_id: 'c1', exit_code: 3, aggregated_output: 'x' }),
      done('t1'),
    ]);
    const r = results(events);
    expect(r.map((x) => [x.tool_id, x.success])).toEqual([
      ['c2', false],
      ['c1', false],
    ]);
    expect(r[1]!.output).toContain('Process running with session ID 42');
  });

  it('an end event before the output is merged into one result; one after the output is a duplicate', () => {
    const events = run([
      meta(),
      start('t1'),
      call('c1', 'shell', { command: ['false'] }),
      ev({ type: 'exec_command_end', call_id: 'c1', exit_code: 1 }),
      output('c1', JSON.stringify({ output: 'boom', metadata: { exit_code: 1, duration_seconds: 0.1 } })),
      call('c2', 'shell', { command: ['true'] }),
      output('c2', JSON.stringify({ output: 'ok', metadata: { exit_code: 0 } })),
      ev({ type: 'exec_command_end', call_id: 'c2', exit_code: 0 }),
      done('t1'),
    ]);
    const r = results(events);
    expect(r.map((x) => [x.tool_id, x.success, x.output, x.error])).toEqual([
      ['c1', false, 'boom', 'exit code 1'],
      ['c2', true, 'ok', null],
    ]);
  });

  it('invents no result for a call that was never answered, yet pairs an output that arrives late', () => {
    const events = run([
      meta(),
      start('t1'),
      call('c1', 'update_plan', { plan: [] }),
      done('t1'),
      start('t2'),
      output('c1', 'Plan updated'),
    ]);
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'tool_result']);
    expect(events[1]).toMatchObject({ tool_id: 'c1', tool_name: 'update_plan', success: null, output: 'Plan updated' });
  });

  it('a command without a recorded call (user shell) becomes a call plus a result at the end of the turn', () => {
    const events = run([
      meta(),
      start('t1'),
      ev({ type: 'exec_command_end', call_id: 'u1', source: 'user_shell', command: ['ls'], exit_code: 0, aggregated_output: 'a\n' }),
      done('t1'),
    ]);
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'tool_result']);
    expect(events[0]).toMatchObject({ tool_name: 'user_shell', tool_kind: 'shell', tool_id: 'u1', input: { command: ['ls'] } });
    expect(events[1]).toMatchObject({ tool_id: 'u1', success: true, output: 'a\n' });
  });

  it('counts tokens once: repeated totals, token_usage_record + token_count twins, and a restarted counter', () => {
    const usage = (input: number, cached: number, output: number) => ({
      input_tokens: input,
      cached_input_tokens: cached,
      output_tokens: output,
      reasoning_output_tokens: 0,
      total_tokens: input + output,
    });
    const tc = (total: object, last: object) => ev({ type: 'token_count', info: { total_token_usage: total, last_token_usage: last } });
    const events = run([
      meta(),
      start('t1'),
      line('token_usage_record', { response_id: 'r1', usage: usage(100, 40, 10), thread_token_usage: usage(100, 40, 10) }),
      tc(usage(100, 40, 10), usage(100, 40, 10)),
      tc(usage(100, 40, 10), usage(100, 40, 10)),
      tc(usage(150, 40, 15), usage(50, 0, 5)),
      line('token_usage_record', { response_id: 'r1', usage: usage(100, 40, 10) }),
      tc(usage(20, 0, 2), usage(20, 0, 2)),
    ]);
    expect(events.filter((e) => e.type === 'usage')).toEqual([
      { type: 'usage', input_tokens: 60, output_tokens: 10, cache_read_tokens: 40 },
      { type: 'usage', input_tokens: 50, output_tokens: 5 },
      { type: 'usage', input_tokens: 20, output_tokens: 2 },
    ]);
  });

  it('reports a usage limit once per turn, with the weekly scope and a reset time from the record, never the clock', () => {
    const limited = ev({
      type: 'token_count',
      info: null,
      rate_limits: { primary: { used_percent: 20 }, secondary: { used_percent: 100, window_minutes: 10080, resets_in_seconds: 60 } },
    });
    const events = run([
      meta(),
      start('t1'),
      limited,
      limited,
      done('t1', { message: "You've hit your usage limit. Try again at 9:00 AM.", codex_error_info: 'usage_limit_exceeded' }),
      start('t2'),
      ev({ type: 'error', message: "You've hit your usage limit." }),
    ]);
    const hits = events.filter((e) => e.type === 'usage_limit_hit');
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ scope: 'weekly', reset_at: '2026-11-28T20:01:00.000Z', incident_id: 'codex:thread-1:t1' });
    expect(hits[1]).toMatchObject({ incident_id: 'codex:thread-1:t2' });
    expect(events.filter((e) => e.type === 'provider_status').map((e) => e.message)).toEqual([
      "usage limit: You've hit your usage limit. Try again at 9:00 AM.",
    ]);
  });

  it('reports another error once although both the error event and the failed turn carry it', () => {
    const err = { message: 'stream disconnected', codex_error_info: 'other' };
    const events = run([meta(), start('t1'), ev({ type: 'error', ...err }), done('t1', err)]);
    expect(events).toEqual([{ type: 'provider_status', message: 'error: stream disconnected', data: { type: 'error', ...err } }]);
  });

  it('texts: a same-channel repeat is real, an event-only text is kept, and witnesses do not leak across turns', () => {
    const say = (text: string) => ri({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
    const shown = (message: string) => ev({ type: 'agent_message', message });
    const events = run([
      meta(),
      start('t1'),
      shown('Done.'),
      say('Done.'),
      say('Done.'),
      shown('Done.'),
      say('Only in the response.'),
      start('t2'),
      shown('Only in the response.'),
      shown('Only in the event.'),
    ]);
    expect(events.map((e) => (e.type === 'assistant_message' ? e.content : e.type))).toEqual([
      'Done.',
      'Done.',
      'Only in the response.',
      'Only in the response.',
      'Only in the event.',
    ]);
  });

  it('takes prompts from the events only: injected context and the response copy of a prompt are not prompts', () => {
    const events = run([
      meta(),
      start('t1'),
      ri({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>x</permissions instructions>' }] }),
      ri({ type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n<cwd>/w</cwd>\n</environment_context>' }] }),
      ri({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix the bug' }] }),
      ev({ type: 'user_message', message: 'fix the bug', images: [] }),
    ]);
    expect(events).toEqual([{ type: 'user_message', role: 'user', content: 'fix the bug', message_id: null }]);
  });

  it('marks every event of a sub-agent thread and names its parent', () => {
    const events = run([
      meta({ source: { subagent: { thread_spawn: { parent_thread_id: 'parent-9', depth: 1 } } }, agent_nickname: 'Ada' }),
      start('t1'),
      ev({ type: 'user_message', message: 'count files' }),
      call('c1', 'exec_command', { cmd: 'ls | wc -l' }),
      output('c1', unified('Process exited with code 0')),
    ]);
    expect(events[0]).toMatchObject({
      type: 'provider_status',
      data: { parent_thread_id: 'parent-9', depth: 1, agent_nickname: 'Ada', subagent_id: 'thread-1' },
    });
    expect(events[1]).toMatchObject({ type: 'user_message', message_id: 'subagent:thread-1:' });
    expect(events[2]).toMatchObject({ type: 'tool_call', tool_id: 'subagent:thread-1:c1' });
    expect(events[3]).toMatchObject({ type: 'tool_result', tool_id: 'subagent:thread-1:c1', success: true });
  });

  it('reads the bare pre-envelope format: prompts from response items, state markers ignored', () => {
    const p = createCodexParser();
    const lines = [
      JSON.stringify({ id: 'bare-1', timestamp: TS, instructions: null, git: null }),
      JSON.stringify({ record_type: 'state' }),
      JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: '<user_instructions>\nbe nice\n</user_instructions>' }] }),
      JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] }),
      JSON.stringify({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hi!' }] }),
    ];
    const events = lines.flatMap((l) => p.push(l)).map(([, e]) => e);
    expect(events.map((e) => e.type)).toEqual(['user_message', 'assistant_message']);
    expect(p.meta.sessionId).toBe('bare-1');
  });

  it('reports an unknown record type once, with a sample, and keeps counting', () => {
    const events = run([meta(), line('brand_new_record', { a: 1 }), line('brand_new_record', { a: 2 }), ev({ type: 'new_event' })]);
    expect(events.map((e) => (e.type === 'provider_status' ? e.message : e.type))).toEqual([
      'unknown record type: brand_new_record',
      'unknown record type: event_msg:new_event',
    ]);
  });
});

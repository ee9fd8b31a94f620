import { describe, expect, it } from 'vitest';
import { createGeminiJsonlParser } from '../../../src/providers/index.js';
import type { LogEventInput } from '../../../src/index.js';

const header = (startTime: string) =>
  JSON.stringify({ sessionId: 's-1', projectHash: 'h', startTime, lastUpdated: startTime, kind: 'main' });
const line = (o: unknown) => JSON.stringify(o);
const user = (id: string, text: string, extra: object = {}) => line({ id, type: 'user', content: [{ text }], ...extra });
const gemini = (id: string, extra: object = {}) =>
  line({ id, timestamp: '2026-01-01T00:00:00.000Z', type: 'gemini', content: 'answer ' + id, thoughts: [], model: 'gemini-x', ...extra });
const tokens = { input: 100, output: 10, cached: 40, thoughts: 5, tool: 2, total: 117 };
const shellCall = (id: string, status: string, output?: string) => ({
  id,
  name: 'run_shell_command',
  args: { command: 'ls' },
  status,
  ...(output !== undefined
    ? { result: [{ functionResponse: { id, name: 'run_shell_command', response: { output } } }] }
    : {}),
});

function run(lines: string[]): { events: LogEventInput[]; perLine: LogEventInput[][]; meta: object } {
  const p = createGeminiJsonlParser();
  const perLine = lines.map((l) => p.push(l).map(([, e]) => e));
  const tail = p.end().map(([, e]) => e);
  return { events: [...perLine.flat(), ...tail], perLine: [...perLine, tail], meta: { ...p.meta } };
}

const types = (events: LogEventInput[]) => events.map((e) => e.type);

describe('Gemini JSONL parser', () => {
  it('holds a gemini message until its tokens arrive, then emits it once', () => {
    const { perLine, events } = run([
      header('2026-01-01T00:00:00.000Z'),
      user('u1', 'hello'),
      gemini('g1'),
      gemini('g1', { tokens }),
      gemini('g1', { tokens }),
    ]);
    expect(types(perLine[2]!)).toEqual([]);
    expect(types(perLine[3]!)).toEqual(['provider_status', 'assistant_message', 'usage']);
    expect(perLine[4]).toEqual([]);
    expect(events.find((e) => e.type === 'usage')).toEqual({
      type: 'usage',
      input_tokens: 62,
      output_tokens: 15,
      cache_read_tokens: 40,
      model: 'gemini-x',
    });
  });

  it('emits a message without tokens when a newer message follows, or at the end', () => {
    const a = run([header('t'), user('u1', 'hi'), gemini('g1'), user('u2', 'next')]);
    expect(types(a.perLine[3]!)).toEqual(['provider_status', 'assistant_message', 'user_message']);
    const b = run([header('t'), user('u1', 'hi'), gemini('g1')]);
    expect(types(b.perLine.at(-1)!)).toEqual(['provider_status', 'assistant_message']);
  });

  it('emits a tool call when it appears and its result once it is final, never twice', () => {
    const { perLine, events } = run([
      header('t'),
      user('u1', 'list'),
      gemini('g1', { tokens }),
      gemini('g1', { tokens, toolCalls: [shellCall('c1', 'executing')] }),
      gemini('g1', { tokens, toolCalls: [shellCall('c1', 'success', 'a\nb')] }),
      // The CLI echoes the result as a user record made only of a functionResponse.
      line({ id: 'u2', type: 'user', content: [{ functionResponse: { id: 'c1', name: 'run_shell_command', response: { output: 'a\nb' } } }] }),
      gemini('g1', { tokens, toolCalls: [shellCall('c1', 'success', 'a\nb')] }),
    ]);
    expect(types(perLine[3]!)).toEqual(['tool_call']);
    expect(types(perLine[4]!)).toEqual(['tool_result']);
    expect(perLine[5]).toEqual([]);
    expect(perLine[6]).toEqual([]);
    expect(events.filter((e) => e.type === 'user_message')).toHaveLength(1);
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ tool_id: 'c1', success: true, output: 'a\nb', tool_kind: 'shell' });
  });

  it('marks a shell command that exited non-zero, and cancelled calls, as failed', () => {
    const { events } = run([
      header('t'),
      gemini('g1', {
        tokens,
        toolCalls: [
          shellCall('c1', 'success', 'Output: nope\nExit Code: 2\n'),
          { id: 'c2', name: 'replace', args: {}, status: 'cancelled' },
          { id: 'c3', name: 'read_file', args: {}, status: 'error', result: [{ functionResponse: { id: 'c3', name: 'read_file', response: { error: 'ENOENT' } } }] },
        ],
      }),
    ]);
    const results = events.filter((e) => e.type === 'tool_result');
    expect(results).toMatchObject([
      { tool_id: 'c1', success: false, data: { status: 'success', exit_code: 2 } },
      { tool_id: 'c2', success: false, error: 'cancelled', tool_kind: 'file_edit' },
      { tool_id: 'c3', success: false, error: 'ENOENT' },
    ]);
  });

  it('turns a functionResponse for an unknown call into a result, and never a prompt', () => {
    const { events } = run([
      header('t'),
      line({ id: 'u1', type: 'user', content: [{ functionResponse: { id: 'x', name: 'glob', response: { output: 'f.ts' } } }] }),
    ]);
    expect(events).toEqual([
      { type: 'tool_result', tool_name: 'glob', tool_kind: 'search', tool_id: 'x', success: true, output: 'f.ts', error: null, data: null },
    ]);
  });

  it('does not emit history from $set.messages checkpoints, but learns the workspace from them', () => {
    const context = '<session_context>\n- **Workspace Directories:**\n  - /w/proj\n</session_context>';
    const { events, meta } = run([
      header('2026-01-01T00:00:00.000Z'),
      line({ $set: { messages: [{ id: 'ctx', type: 'user', content: [{ text: context }] }], lastUpdated: '2026-01-01T00:00:01.000Z' } }),
      user('u1', 'hi'),
      gemini('g1', { tokens }),
      header('2026-01-02T00:00:00.000Z'),
      line({
        $set: {
          messages: [
            { id: 'u1', type: 'user', content: [{ text: 'hi' }] },
            { id: 'g1', type: 'gemini', content: [{ text: 'thinking', thought: true }, { text: 'answer g1' }, { functionCall: { id: 'old', name: 'ls', args: {} } }] },
            { id: 'g1_response', type: 'user', content: [{ functionResponse: { id: 'old', name: 'ls', response: { output: '' } } }] },
          ],
        },
      }),
      user('u2', 'again'),
    ]);
    expect(types(events)).toEqual([
      'user_message',
      'provider_status',
      'assistant_message',
      'usage',
      'provider_status',
      'user_message',
    ]);
    expect(events[4]).toMatchObject({ message: 'gemini session resumed' });
    expect(meta).toMatchObject({ sessionId: 's-1', cwd: '/w/proj', startedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('still emits a message first seen in a checkpoint once its own line is written', () => {
    const { events } = run([
      header('t'),
      line({ $set: { messages: [{ id: 'u1', type: 'user', content: [{ text: 'hi' }] }] } }),
      user('u1', 'hi'),
      user('u1', 'hi'),
    ]);
    expect(events).toEqual([{ type: 'user_message', role: 'user', content: 'hi', message_id: 'u1' }]);
  });

  it('replays $rewindTo: reports it, and messages written after it are new', () => {
    const { events } = run([header('t'), user('u1', 'one'), gemini('g1', { tokens }), line({ $rewindTo: 'u1' }), user('u2', 'two')]);
    expect(events.filter((e) => e.type === 'user_message').map((e) => (e as { content: string }).content)).toEqual(['one', 'two']);
    expect(events).toContainEqual({ type: 'provider_status', message: 'gemini conversation rewound', data: { message_id: 'u1', removed_messages: 2 } });
  });

  it('prefers displayContent (what the user typed) over the expanded content', () => {
    const { events } = run([header('t'), user('u1', 'expanded @file contents', { displayContent: [{ text: 'see @file' }] })]);
    expect(events).toEqual([{ type: 'user_message', role: 'user', content: 'see @file', message_id: 'u1' }]);
  });

  it('maps info/error records to provider_status, and quota errors to usage_limit_hit', () => {
    const err =
      '[API Error: {"error":{"code":429,"message":"Quota exceeded for quota metric \'Gemini 2.5 Pro Requests\'","status":"RESOURCE_EXHAUSTED","details":[{"metadata":{"quota_limit":"GeminiProRequestsPerDay"}},{"retryDelay":"30s"}]}}]';
    const { events } = run([
      header('t'),
      line({ id: 'i1', type: 'info', content: 'Request cancelled.' }),
      line({ id: 'e1', type: 'error', timestamp: '2026-01-01T10:00:00.000Z', content: err }),
      line({ id: 'e1', type: 'error', timestamp: '2026-01-01T10:00:00.000Z', content: err }),
    ]);
    expect(events).toEqual([
      { type: 'provider_status', message: 'Request cancelled.', data: { gemini_type: 'info', message_id: 'i1' } },
      {
        type: 'usage_limit_hit',
        provider: 'gemini',
        scope: 'daily',
        reset_at: '2026-01-01T10:00:30.000Z',
        fallback_used: false,
        incident_id: 'gemini:e1',
        raw: err,
      },
    ]);
  });

  it('recognises the usual quota and rate-limit wordings, and leaves other errors as statuses', () => {
    const texts = [
      "You've hit the API rate limit. Please wait.",
      'You have reached your daily gemini-2.5-pro quota limit. Switching to gemini-2.5-flash.',
      '[API Error: got status: 429 Too Many Requests. {"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}]',
      'Quota exceeded for quota metric per minute',
    ];
    const { events } = run([
      header('t'),
      ...texts.map((content, i) => line({ id: `e${i}`, type: i % 2 ? 'info' : 'error', content })),
      line({ id: 'x', type: 'error', content: '[API Error: 500 Internal Server Error]' }),
    ]);
    expect(events.map((e) => e.type)).toEqual([...texts.map(() => 'usage_limit_hit'), 'provider_status']);
    expect(events.map((e) => (e as { scope?: string }).scope)).toEqual(['session', 'daily', 'session', 'session', undefined]);
  });

  it('reports each unknown record type once and keeps going', () => {
    const { events } = run([
      header('t'),
      line({ $future: 1 }),
      line({ $future: 2 }),
      line({ id: 'x1', type: 'hologram', content: 'x' }),
      user('u1', 'still here'),
    ]);
    expect(types(events)).toEqual(['provider_status', 'provider_status', 'user_message']);
    expect(events[0]).toMatchObject({ message: 'unknown record type: {$future}' });
    expect(events[1]).toMatchObject({ message: 'unknown record type: message:hologram' });
  });

  it('turns each broken line into one parse_warning holding the raw text', () => {
    const { events } = run([header('t'), '{"id":"u1","type":"us', '[1,2]', '   ', user('u2', 'ok')]);
    expect(events).toMatchObject([
      { type: 'parse_warning', raw: '{"id":"u1","type":"us' },
      { type: 'parse_warning', raw: '[1,2]' },
      { type: 'user_message', content: 'ok' },
    ]);
  });

  it('marks every event of a sub-agent file with its agent id', () => {
    const p = createGeminiJsonlParser({ agentId: 'sub-1' });
    const events = [user('u1', 'task'), gemini('g1', { tokens, toolCalls: [shellCall('c1', 'success', 'x')] })]
      .flatMap((l) => p.push(l))
      .map(([, e]) => e);
    expect(events.find((e) => e.type === 'user_message')).toMatchObject({ message_id: 'subagent:sub-1:u1' });
    expect(events.find((e) => e.type === 'tool_call')).toMatchObject({ tool_id: 'subagent:sub-1:c1' });
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ tool_id: 'subagent:sub-1:c1' });
  });
});

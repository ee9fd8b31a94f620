import { describe, expect, it } from 'vitest';
import type { LogEventInput } from '../../../src/index.js';
import { createCopilotParser } from '../../../src/providers/index.js';

/** One events.jsonl record line. */
let n = 0;
const rec = (type: string, data: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, data, id: `r${++n}`, timestamp: '2026-01-01T00:00:00.000Z', parentId: null, ...extra });

function run(lines: string[]): LogEventInput[] {
  const p = createCopilotParser();
  return [...lines.flatMap((l) => p.push(l)), ...p.end()].map(([, e]) => e);
}
const usageOf = (events: LogEventInput[]) =>
  events.filter((e): e is Extract<LogEventInput, { type: 'usage' }> => e.type === 'usage');
const total = (events: LogEventInput[], f: 'input_tokens' | 'output_tokens') =>
  usageOf(events).reduce((a, u) => a + u[f], 0);

describe('Copilot usage sources', () => {
  it('counts outputTokens when a version writes no usage records', () => {
    const events = run([
      rec('assistant.message', { messageId: 'm1', content: 'a', outputTokens: 7 }),
      rec('assistant.message', { messageId: 'm2', content: 'b', outputTokens: 5 }),
    ]);
    expect(total(events, 'output_tokens')).toBe(12);
  });

  it('never counts an API call twice when both a usage record and outputTokens describe it, in either order', () => {
    const record = (out: number) =>
      rec('session.usage_record', { usage: { apiCallId: 'c1', inputTokens: 100, outputTokens: out, cacheReadTokens: 40 } });
    const message = (out: number) => rec('assistant.message', { messageId: 'm', apiCallId: 'c1', outputTokens: out });
    for (const lines of [
      [record(9), message(9)],
      [message(9), record(9)],
    ]) {
      const events = run(lines);
      expect(total(events, 'output_tokens')).toBe(9);
      expect(total(events, 'input_tokens')).toBe(60);
      expect(usageOf(events).reduce((a, u) => a + (u.cache_read_tokens ?? 0), 0)).toBe(40);
    }
  });

  it('ignores outputTokens without an apiCallId once the file has usage records', () => {
    const events = run([
      rec('session.usage_record', { usage: { apiCallId: 'c1', inputTokens: 10, outputTokens: 3 } }),
      rec('assistant.message', { messageId: 'm', outputTokens: 3 }),
    ]);
    expect(total(events, 'output_tokens')).toBe(3);
  });

  it('takes cumulative shutdown totals as a top-up only: the missing input once, nothing on the second shutdown', () => {
    const shutdown = (input: number, output: number) =>
      rec('session.shutdown', {
        shutdownType: 'routine',
        modelMetrics: { m: { requests: { count: 1 }, usage: { inputTokens: input, outputTokens: output } } },
      });
    const events = run([
      rec('assistant.message', { messageId: 'm1', content: 'a', outputTokens: 5 }),
      shutdown(1000, 5),
      rec('session.resume', {}),
      rec('assistant.message', { messageId: 'm2', content: 'b', outputTokens: 4 }),
      shutdown(2500, 9),
    ]);
    expect(total(events, 'output_tokens')).toBe(9);
    expect(total(events, 'input_tokens')).toBe(2500);
  });
});

describe('Copilot records', () => {
  it('emits a tool call once although toolRequests and tool.execution_start both announce it', () => {
    const events = run([
      rec('assistant.message', { messageId: 'm', toolRequests: [{ toolCallId: 't1', name: 'rg', arguments: { q: 1 } }] }),
      rec('tool.execution_start', { toolCallId: 't1', toolName: 'rg', arguments: { q: 1 } }),
      rec('tool.execution_complete', { toolCallId: 't1', success: false, error: { message: 'boom', code: 'x' } }),
      rec('tool.execution_complete', { toolCallId: 't1', success: false, error: { message: 'boom' } }),
    ]);
    expect(events).toEqual([
      { type: 'tool_call', tool_name: 'rg', tool_kind: 'search', tool_id: 't1', input: { q: 1 } },
      {
        type: 'tool_result',
        tool_name: 'rg',
        tool_kind: 'search',
        tool_id: 't1',
        success: false,
        output: null,
        error: 'boom',
        data: null,
      },
    ]);
  });

  it('does not repeat streamed assistant.reasoning as the message reasoningText', () => {
    const events = run([
      rec('assistant.reasoning', { reasoningId: 'r', content: 'think' }),
      rec('assistant.message', { messageId: 'm', content: 'hi', reasoningText: 'think' }),
    ]);
    expect(events.filter((e) => e.type === 'reasoning')).toHaveLength(1);
  });

  it('ignores a record id seen before (a file rewritten in place)', () => {
    const line = rec('user.message', { content: 'once' });
    expect(run([line, line]).filter((e) => e.type === 'user_message')).toHaveLength(1);
  });

  it('reports an unknown record type once, and never ephemeral delta events', () => {
    const events = run([
      rec('brand.new', { a: 1 }),
      rec('brand.new', { a: 2 }),
      rec('assistant.message_delta', { deltaContent: 'x' }),
      rec('session.idle', {}),
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'provider_status', data: { unknown_record_type: 'brand.new' } });
  });

  it('maps limit error codes to scopes and leaves other errors as status', () => {
    const events = run([
      rec('session.error', { errorType: 'rate_limit', errorCode: 'user_weekly_rate_limited', message: 'try again in 2 hours' }),
      rec('session.error', { errorType: 'rate_limit', errorCode: 'user_global_rate_limited:pro_plus', message: 'x' }),
      rec('session.error', { errorType: 'context_limit', message: 'too long' }),
    ]);
    expect(events.map((e) => (e.type === 'usage_limit_hit' ? e.scope : e.type))).toEqual([
      'weekly',
      'global',
      'provider_status',
    ]);
    expect(events[0]).toMatchObject({ reset_at: '2026-01-01T02:00:00.000Z' });
  });

  it('marks sub-agent records, including ones that only name their parent task call', () => {
    const events = run([
      rec('subagent.started', { toolCallId: 'task1', agentName: 'task' }, { agentId: 'A' }),
      rec('assistant.message', { messageId: 'm', content: 'sub', parentToolCallId: 'task1' }),
      rec('assistant.message', { messageId: 'm2', content: 'main' }),
    ]);
    const mark = (e: LogEventInput) =>
      e.type === 'provider_status' ? (e.data as { subagent_id?: string }).subagent_id : 'message_id' in e ? e.message_id : e.type;
    expect(events.map(mark)).toEqual([
      'A',
      'subagent:A:m',
      'm2',
    ]);
  });

  it('reads session metadata from session.start', () => {
    const p = createCopilotParser();
    p.push(rec('session.start', { sessionId: 's1', selectedModel: 'gpt', startTime: '2025-12-31T23:59:59.000Z', context: { cwd: '/w' } }));
    expect(p.meta).toMatchObject({ sessionId: 's1', model: 'gpt', cwd: '/w', startedAt: '2025-12-31T23:59:59.000Z' });
  });
});

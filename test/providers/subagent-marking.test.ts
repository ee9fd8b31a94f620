import { describe, expect, it } from 'vitest';
import { markSubagent, subagentOf } from '../../src/index.js';

describe('sub-agent marking is one convention for every provider', () => {
  it('prefixes message and tool ids so a sub-agent call still pairs with its result', () => {
    const call = markSubagent({ type: 'tool_call', tool_name: 'Bash', tool_id: 'toolu_1' }, 'a2a4');
    const result = markSubagent({ type: 'tool_result', tool_id: 'toolu_1', success: true }, 'a2a4');
    expect(call).toMatchObject({ tool_id: 'subagent:a2a4:toolu_1' });
    expect(result).toMatchObject({ tool_id: 'subagent:a2a4:toolu_1' });
    const text = markSubagent({ type: 'assistant_message', content: 'hi', message_id: 'msg_9' }, 'a2a4');
    expect(text).toMatchObject({ message_id: 'subagent:a2a4:msg_9' });
    expect(subagentOf('subagent:a2a4:msg_9')).toBe('a2a4');
  });

  it('keeps ids of the main agent unmarked and reads them as such', () => {
    expect(subagentOf('msg_9')).toBeUndefined();
    expect(subagentOf(null)).toBeUndefined();
    expect(subagentOf('subagent:x')).toBe('x');
  });

  it('adds subagent_id to provider_status data, whatever the data was', () => {
    expect(markSubagent({ type: 'provider_status', message: 'm', data: { a: 1 } }, 's1')).toMatchObject({
      data: { a: 1, subagent_id: 's1' },
    });
    expect(markSubagent({ type: 'provider_status', message: 'm', data: [1] }, 's1')).toMatchObject({
      data: { subagent_id: 's1', value: [1] },
    });
  });

  it('leaves usage untouched (it has no free field) so totals still add up', () => {
    const usage = { type: 'usage', input_tokens: 3, output_tokens: 4 } as const;
    expect(markSubagent(usage, 's1')).toEqual(usage);
  });
});

import { expect } from 'vitest';
import type { LogEventInput } from '../../../src/index.js';
import type { Expected } from './scan.js';

type Ev<T extends LogEventInput['type']> = Extract<LogEventInput, { type: T }>;

const of = <T extends LogEventInput['type']>(events: LogEventInput[], type: T): Ev<T>[] =>
  events.filter((e): e is Ev<T> => e.type === type);

/** Asserts that `events` hold exactly what the source holds, each once. */
export function assertMatchesSource(events: LogEventInput[], want: Expected): void {
  expect(of(events, 'parse_warning')).toEqual([]);
  expect(of(events, 'provider_status').filter((s) => s.message.startsWith('unknown record type'))).toEqual([]);

  const prompts = of(events, 'user_message');
  expect(prompts.map((p) => [p.message_id, p.content])).toEqual(want.prompts.map((p) => [p.id, p.text]));

  const texts = of(events, 'assistant_message');
  expect(texts.map((t) => [t.message_id, t.content])).toEqual(want.texts.map((t) => [t.id, t.text]));

  const reasoning = of(events, 'reasoning');
  expect(reasoning).toHaveLength(want.thoughts.length);
  for (const t of want.thoughts) {
    expect(reasoning.filter((r) => r.message_id === t.id && r.content.includes(t.description))).toHaveLength(1);
  }

  const calls = of(events, 'tool_call');
  const results = of(events, 'tool_result');
  expect(calls).toHaveLength(want.tools.length);
  expect(results).toHaveLength(want.tools.length);
  for (const tool of want.tools) {
    const call = calls.filter((c) => c.tool_id === tool.id);
    expect(call).toHaveLength(1);
    expect(call[0]).toMatchObject({ tool_name: tool.name, input: tool.args });
    const result = results.filter((r) => r.tool_id === tool.id);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ tool_name: tool.name, success: tool.success });
    for (const out of tool.outputs) expect(result[0]!.output).toContain(out);
    // Paired: the result comes after its call.
    expect(events.indexOf(result[0]!)).toBeGreaterThan(events.indexOf(call[0]!));
  }

  const usage = of(events, 'usage');
  expect(usage).toHaveLength(want.usage.messages);
  const sum = (f: (u: Ev<'usage'>) => number): number => usage.reduce((a, u) => a + f(u), 0);
  expect(sum((u) => u.input_tokens + (u.cache_read_tokens ?? 0))).toBe(want.usage.prompt);
  expect(sum((u) => u.cache_read_tokens ?? 0)).toBe(want.usage.cached);
  expect(sum((u) => u.output_tokens)).toBe(want.usage.output);
}

import type { AgentLogEvent, LogEventInput, SessionLogWriter } from '../../../src/index.js';
import { readSessionLog } from '../../../src/index.js';

/** The i-th event of a varied but deterministic session. */
export function eventNo(i: number): LogEventInput {
  switch (i % 6) {
    case 0:
      return { type: 'user_message', role: 'user', content: `question ${i} with "quotes", a \\ backslash,\ttab and\nnewline` };
    case 1:
      return { type: 'assistant_message', content: `answer ${i} ✓ ünïcode` };
    case 2:
      return { type: 'tool_call', tool_name: 'Bash', tool_id: `t${i}`, input: { command: `echo ${i}`, nested: [1, { a: null }] } };
    case 3:
      return { type: 'tool_result', tool_name: 'Bash', tool_id: `t${i - 1}`, success: true, output: `out ${i}` };
    case 4:
      return { type: 'usage', input_tokens: 100 + i, output_tokens: 10 + i, total_cost_usd: 0.001 * i };
    default:
      return { type: 'reasoning', content: `thinking ${i}` };
  }
}

export function emitMany(w: SessionLogWriter, from: number, count: number): void {
  for (let i = from; i < from + count; i++) w.emit('wrapper', eventNo(i));
}

export async function readAll(path: string): Promise<AgentLogEvent[]> {
  const out: AgentLogEvent[] = [];
  for await (const e of readSessionLog(path)) out.push(e);
  return out;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

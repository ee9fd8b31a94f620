import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEventInput } from '../../../src/index.js';
import { claudeToolKind, createClaudeParser } from '../../../src/providers/index.js';
import { FIXTURES } from './helpers.js';

function run(lines: Array<string | object>, options = {}): LogEventInput[] {
  const p = createClaudeParser(options);
  const out = lines.flatMap((l) => p.push(typeof l === 'string' ? l : JSON.stringify(l)));
  return out.concat(p.end()).map(([, e]) => e);
}

const fixture = (rel: string): string[] =>
  readFileSync(join(FIXTURES, rel), 'utf8').split('\n').filter((l) => l !== '');

const user = (content: unknown, extra: object = {}) => ({ type: 'user', uuid: `u${Math.random()}`, message: { role: 'user', content }, ...extra });
const assistant = (id: string, blocks: object[], usage: object = {}, extra: object = {}) => ({
  type: 'assistant',
  uuid: `a${Math.random()}`,
  message: { id, model: 'claude-x', content: blocks, usage },
  ...extra,
});

describe('Claude parser rules', () => {
  it('turns the 429 synthetic assistant line into usage_limit_hit, not an assistant message', () => {
    const events = run(fixture('projects/-home-user-demo/f3128607-2f3e-4296-a9be-a435a1fe3c79.jsonl'));
    const hits = events.filter((e) => e.type === 'usage_limit_hit');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ provider: 'claude', scope: 'session', fallback_used: false });
    expect(String((hits[0] as { raw: unknown }).raw)).toContain('429');
    expect(events.filter((e) => e.type === 'assistant_message')).toEqual([]);
  });

  it('reads the reset time and scope of the old machine-readable limit text', () => {
    const [hit] = run([
      assistant('m1', [{ type: 'text', text: 'Claude AI weekly usage limit reached|1760000400' }], {}, { message: undefined }),
      assistant('m2', [{ type: 'text', text: 'Claude AI usage limit reached|1760000400' }]),
    ]).filter((e) => e.type === 'usage_limit_hit');
    expect(hit).toMatchObject({ scope: 'session', reset_at: new Date(1760000400 * 1000).toISOString() });
    const weekly = run([
      { type: 'assistant', isApiErrorMessage: true, message: { model: '<synthetic>', content: [{ type: 'text', text: 'Claude AI weekly usage limit reached|1760000400' }] } },
    ]);
    expect(weekly[0]).toMatchObject({ type: 'usage_limit_hit', scope: 'weekly' });
  });

  it('keeps non-limit API errors as provider_status', () => {
    const events = run([
      { type: 'assistant', isApiErrorMessage: true, error: 'authentication_failed', apiErrorStatus: 401, message: { model: '<synthetic>', content: [{ type: 'text', text: 'API Error: 401' }] } },
      { type: 'system', subtype: 'api_error', error: { status: 429 }, content: '' },
      { type: 'system', subtype: 'api_error', error: { status: 529 }, content: 'overloaded' },
    ]);
    expect(events.map((e) => e.type)).toEqual(['provider_status', 'usage_limit_hit', 'provider_status']);
  });

  it('gives the same incident ids on every run over the same lines (live and backfill agree)', () => {
    const lines = fixture('projects/-home-user-demo/f3128607-2f3e-4296-a9be-a435a1fe3c79.jsonl');
    expect(run(lines)).toEqual(run(lines));
  });

  it('maps /clear and /compact lines to what they are, never to prompts', () => {
    const events = run(fixture('projects/-home-user-demo/d9235f7e-704a-4ba2-b2c6-07d396a125ba.jsonl'));
    expect(events.filter((e) => e.type === 'user_message').map((e) => (e as { content: string }).content)).toEqual([
      'Thanks again.',
    ]);
    const kinds = events.flatMap((e) => (e.type === 'provider_status' ? [(e.data as { kind: string }).kind] : []));
    expect(kinds).toEqual(expect.arrayContaining(['meta', 'slash_command', 'system']));
    const compact = run(fixture('projects/-home-user-demo/2190bd69-f000-410d-94eb-16fa78cd919f.jsonl'));
    const compactKinds = compact.flatMap((e) => (e.type === 'provider_status' ? [(e.data as { kind: string }).kind] : []));
    expect(compactKinds.filter((k) => k !== 'session_resumed')).toEqual([
      'task_notification',
      'system',
      'compact_summary',
      'meta',
      'slash_command',
      'command_output',
    ]);
    // Three Claude processes wrote this file (each ends with a cost-state; the next numbers its prompts from 0 again).
    expect(compactKinds.filter((k) => k === 'session_resumed')).toHaveLength(2);
  });

  it('names tool results from their tool_use and takes success from is_error', () => {
    const events = run([
      assistant('m1', [{ type: 'tool_use', id: 't1', name: 'Grep', input: { pattern: 'x' } }]),
      user([{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'no match' }], is_error: true }]),
      user([{ type: 'tool_result', tool_use_id: 'unknown', content: 'ok' }]),
    ]);
    const results = events.filter((e) => e.type === 'tool_result');
    expect(results[0]).toMatchObject({ tool_name: 'Grep', tool_kind: 'search', success: false, error: 'no match', output: null });
    expect(results[1]).toMatchObject({ tool_name: null, success: true, output: 'ok' });
    expect('tool_kind' in results[1]!).toBe(false);
  });

  it('emits one usage per message id + request id with the largest counts, never twice', () => {
    const events = run([
      assistant('m1', [{ type: 'text', text: 'a' }], { input_tokens: 3, output_tokens: 4 }, { requestId: 'r1' }),
      { type: 'summary', summary: 's' },
      assistant('m1', [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }], { input_tokens: 3, output_tokens: 395 }, { requestId: 'r1' }),
      user([{ type: 'tool_result', tool_use_id: 't', content: '' }]),
      assistant('m1', [{ type: 'text', text: 'late block' }], { input_tokens: 3, output_tokens: 400 }, { requestId: 'r1' }),
      assistant('m1', [{ type: 'text', text: 'other request' }], { input_tokens: 1, output_tokens: 1 }, { requestId: 'r2' }),
    ]);
    const usage = events.filter((e) => e.type === 'usage');
    expect(usage).toEqual([
      { type: 'usage', input_tokens: 3, output_tokens: 395, cache_read_tokens: 0, cache_creation_tokens: 0, model: 'claude-x' },
      { type: 'usage', input_tokens: 0, output_tokens: 5, cache_read_tokens: 0, cache_creation_tokens: 0, model: 'claude-x' },
      { type: 'usage', input_tokens: 1, output_tokens: 1, cache_read_tokens: 0, cache_creation_tokens: 0, model: 'claude-x' },
    ]);
  });

  it('maps a prompt queued mid-turn (attachment/queued_command) to a user message', () => {
    const events = run([
      { type: 'attachment', uuid: 'q1', attachment: { type: 'queued_command', prompt: 'also add tests', commandMode: 'prompt' } },
      { type: 'attachment', uuid: 'q2', attachment: { type: 'queued_command', prompt: '<task-notification><status>completed</status></task-notification>', commandMode: 'task-notification' } },
      { type: 'attachment', uuid: 'q3', attachment: { type: 'skill_listing', content: 'x' } },
    ]);
    expect(events[0]).toEqual({ type: 'user_message', role: 'user', content: 'also add tests', message_id: 'q1' });
    expect(events[1]).toMatchObject({ type: 'provider_status', data: { kind: 'task_notification', status: 'completed' } });
    expect(events).toHaveLength(2);
  });

  it('marks sidechain lines of a main file and every line of a sub-agent file', () => {
    const side = run([user('sub task', { isSidechain: true, agentId: 'ag1', uuid: 'u1' })]);
    expect(side[0]).toMatchObject({ message_id: 'subagent:ag1:u1' });
    const file = run([assistant('m', [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }])], { subagentId: 'x' });
    expect(file[0]).toMatchObject({ type: 'tool_call', tool_id: 'subagent:x:t' });
  });

  it('skips a conversation line written twice (same uuid)', () => {
    const line = JSON.stringify(user('hello', { uuid: 'same' }));
    expect(run([line, line]).filter((e) => e.type === 'user_message')).toHaveLength(1);
  });

  it('reports each unknown record type once, with a sample, and counts all of them', () => {
    const p = createClaudeParser();
    // Untimed records: their events wait for a time, here until the end of input.
    const out = [...['{"type":"brand-new","a":1}', '{"type":"brand-new","a":2}', '{"no":"type"}'].flatMap((l) => p.push(l)), ...p.end()];
    expect(out.map(([, e]) => e)).toEqual([
      { type: 'provider_status', message: 'unknown record type: brand-new', data: { unknown_record_type: 'brand-new', sample: '{"type":"brand-new","a":1}' } },
      { type: 'provider_status', message: 'unknown record type: (no type)', data: { unknown_record_type: '(no type)', sample: '{"no":"type"}' } },
    ]);
    expect(p.unknownTypes().get('brand-new')).toBe(2);
  });

  it('learns session id, cwd, model and times from the records', () => {
    const p = createClaudeParser();
    for (const l of fixture('projects/-home-user-demo/f3128607-2f3e-4296-a9be-a435a1fe3c79.jsonl')) p.push(l);
    expect(p.meta).toMatchObject({ sessionId: 'f3128607-2f3e-4296-a9be-a435a1fe3c79', cwd: '/home/user/demo' });
    expect(p.meta.model).toBeUndefined(); // only a <synthetic> message
    expect(p.meta.startedAt! <= p.meta.endedAt!).toBe(true);
  });

  it('classifies Claude tool names, including the ones the generic heuristic gets wrong', () => {
    expect(['Bash', 'Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'Agent', 'Task', 'WebFetch', 'NotebookEdit', 'TodoWrite'].map(claudeToolKind)).toEqual(
      ['shell', 'file_read', 'file_write', 'file_edit', 'file_edit', 'search', 'search', 'sub_agent', 'sub_agent', 'web', 'notebook', 'other'],
    );
    expect(claudeToolKind('mcp__github__search_code')).toBe('search');
  });
});

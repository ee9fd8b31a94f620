/**
 * The behaviours zag's own session_log_tests.rs checks, restated against this
 * package's public API (record_agent_output, the global index and the writer's
 * lifecycle have their own files: test/record, test/index-files, lifecycle).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SessionLogWriter,
  inferToolKind,
  loadIndex,
  parseLogEvent,
  recordPrompt,
  serializeEvent,
  type LogEventKind,
} from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const env = {
  seq: 1,
  ts: '2026-03-24T12:00:00Z',
  provider: 'claude',
  wrapper_session_id: 's',
  provider_session_id: null,
  source_kind: 'wrapper' as const,
  completeness: 'full' as const,
};

function roundtrip(kind: LogEventKind) {
  const line = serializeEvent(env, kind);
  const parsed = parseLogEvent(JSON.parse(line));
  if (!parsed.ok) throw new Error(parsed.error);
  return { line, event: parsed.event };
}

describe("zag's session_log_tests.rs behaviours", () => {
  it('writer emits events and updates the index (test_writer_emits_events_and_updates_index)', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, {
      provider: 'claude',
      wrapperSessionId: 'session-1',
      command: 'run',
      model: 'opus',
      workspacePath: '/tmp/workspace',
    });
    w.emit('wrapper', { type: 'session_started', command: 'run', model: 'opus', cwd: '/tmp/workspace', resumed: false, backfilled: false });
    recordPrompt(w, 'hello');
    w.emit('wrapper', { type: 'assistant_message', content: 'world', message_id: 'msg-1' });
    await w.finish(true);
    await w.close();
    const content = fs.readFileSync(w.logPath, 'utf8');
    for (const t of ['session_started', 'user_message', 'assistant_message', 'session_ended']) expect(content).toContain(`"${t}"`);
    const index = await loadIndex(dir);
    expect(index.sessions).toHaveLength(1);
    expect(index.sessions[0]!.wrapper_session_id).toBe('session-1');
  });

  it('infers tool kinds (test_tool_kind_infer)', () => {
    expect(inferToolKind('Bash')).toBe('shell');
    expect(inferToolKind('run_shell')).toBe('shell');
    expect(inferToolKind('read_file')).toBe('file_read');
    expect(inferToolKind('write_file')).toBe('file_write');
    expect(inferToolKind('apply_patch')).toBe('file_edit');
    expect(inferToolKind('edit_line')).toBe('file_edit');
    expect(inferToolKind('search_code')).toBe('search');
    expect(inferToolKind('sub_agent')).toBe('sub_agent');
    expect(inferToolKind('web_fetch')).toBe('web');
    expect(inferToolKind('notebook_edit')).toBe('notebook');
    expect(inferToolKind('custom_mcp')).toBe('other');
  });

  it('round-trips tool_kind (test_tool_kind_serialization_roundtrip)', () => {
    const { line, event } = roundtrip({ type: 'tool_call', tool_name: 'Bash', tool_kind: 'shell', tool_id: null, input: null });
    expect(line).toContain('"tool_kind":"shell"');
    expect(event).toMatchObject({ type: 'tool_call', tool_kind: 'shell' });
  });

  it('reads events without tool_kind as having none (test_tool_kind_absent_in_old_events)', () => {
    const parsed = parseLogEvent({ ...env, type: 'tool_call', tool_name: 'Bash', tool_id: null, input: null });
    expect(parsed.ok && parsed.event.type === 'tool_call' && parsed.event.tool_kind).toBeUndefined();
  });

  it('round-trips usage (test_usage_event_json_roundtrip)', () => {
    const { line, event } = roundtrip({
      type: 'usage',
      input_tokens: 1500,
      output_tokens: 500,
      cache_read_tokens: 200,
      cache_creation_tokens: undefined,
      total_cost_usd: 0.0042,
      model: undefined,
    });
    expect(line).toContain('"usage"');
    // `model` is ours and ?omit: a usage without one is written exactly as zag writes it.
    expect(line).not.toContain('"model"');
    expect(line).toContain('1500');
    expect(line).toContain('0.0042');
    expect(line).not.toContain('cache_creation_tokens');
    expect(event).toMatchObject({ input_tokens: 1500, output_tokens: 500, cache_read_tokens: 200, total_cost_usd: 0.0042 });
  });

  it('round-trips heartbeat (test_heartbeat_event_json_roundtrip)', () => {
    const { line, event } = roundtrip({ type: 'heartbeat', interval_secs: 10 });
    expect(line).toContain('"interval_secs":10');
    expect(event).toMatchObject({ type: 'heartbeat', interval_secs: 10 });
  });
});

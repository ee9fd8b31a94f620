import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, loadIndex, recordAgentOutput, recordPrompt, type AgentOutput } from '../../src/index.js';
import { readJsonl, tempDir } from '../helpers/tmp.js';

async function writer(dir: string) {
  return SessionLogWriter.create(dir, { provider: 'codex', wrapperSessionId: 'session-2', command: 'exec', model: 'gpt-5.4' });
}

const base: Omit<AgentOutput, 'events'> = { agent: 'codex', session_id: 'native-2', result: null, is_error: false };

describe('recordPrompt', () => {
  it('emits a user_message unless the prompt is missing, empty or blank', async () => {
    const dir = tempDir();
    const w = await writer(dir);
    expect(recordPrompt(w)).toBeNull();
    expect(recordPrompt(w, '')).toBeNull();
    expect(recordPrompt(w, ' \n\t ')).toBeNull();
    expect(recordPrompt(w, 'hello')).toMatchObject({ type: 'user_message', role: 'user', content: 'hello', source_kind: 'wrapper' });
    await w.close();
    expect(readJsonl(w.logPath)).toHaveLength(1);
  });
});

describe('recordAgentOutput', () => {
  it('maps assistant text and tool use, tool execution and the session id (zag test_record_agent_output_maps_core_events)', async () => {
    const dir = tempDir();
    const w = await writer(dir);
    await recordAgentOutput(w, {
      ...base,
      events: [
        {
          type: 'assistant_message',
          content: [
            { type: 'text', text: 'answer' },
            { type: 'tool_use', id: 'tool-1', name: 'exec_command', input: { cmd: 'pwd' } },
          ],
          usage: null,
        },
        {
          type: 'tool_execution',
          tool_name: 'exec_command',
          tool_id: 'tool-1',
          input: { cmd: 'pwd' },
          result: { success: true, output: '/tmp', error: null, data: null },
        },
      ],
    });
    expect(w.providerSessionId).toBe('native-2');
    await w.close();
    const lines = readJsonl(w.logPath);
    expect(lines.map((l) => l.type)).toEqual(['assistant_message', 'tool_call', 'tool_result']);
    expect(lines[1]).toMatchObject({ tool_name: 'exec_command', tool_kind: 'other', tool_id: 'tool-1', input: { cmd: 'pwd' } });
    expect(lines[2]).toMatchObject({ tool_name: 'exec_command', tool_kind: 'other', success: true, output: '/tmp', provider_session_id: 'native-2' });
    expect(fs.readFileSync(w.logPath, 'utf8')).toContain('native-2');
    expect((await loadIndex(dir)).sessions[0]!.provider_session_id).toBe('native-2');
  });

  it('maps every other event type the way zag does', async () => {
    const dir = tempDir();
    const w = await writer(dir);
    const written = await recordAgentOutput(w, {
      ...base,
      session_id: 'unknown',
      events: [
        { type: 'init', model: 'gpt-5', tools: ['shell'], working_directory: '/w', metadata: { k: 1 } },
        { type: 'user_message', content: [{ type: 'text', text: 'q1' }, { type: 'tool_use', id: 'x', name: 'Read', input: {} }, { type: 'text', text: 'q2' }] },
        { type: 'permission_request', tool_name: 'Bash', description: 'run ls', granted: false },
        { type: 'error', message: 'bad thing', details: { code: 7 } },
        { type: 'error', message: 'no details' },
        { type: 'result', success: true, message: null, duration_ms: 1200, num_turns: 3 },
        { type: 'result', success: false, message: 'failed' },
        { type: 'turn_complete', stop_reason: 'end_turn', turn_index: 2, usage: { input_tokens: 5, output_tokens: 6 } },
        { type: 'usage_limit_detected', provider: 'codex', scope: 'weekly', reset_at: '2026-12-01T00:00:00Z', raw: 'limit reached' },
        { type: 'usage_limit_detected', provider: 'codex', scope: 'unknown' },
      ],
    });
    expect(w.providerSessionId).toBeNull(); // "unknown" is not a session id
    await w.close();
    const lines = readJsonl(w.logPath);
    expect(written.map((e) => e.seq)).toEqual(lines.map((l) => l.seq));
    const strip = ({ seq: _s, ts: _t, provider: _p, wrapper_session_id: _w, provider_session_id: _ps, source_kind: _k, completeness: _c, ...rest }: Record<string, unknown>) => rest;
    const kinds = lines.map(strip);
    expect(kinds.slice(0, 9)).toEqual([
      { type: 'provider_status', message: 'Initialized gpt-5', data: { working_directory: '/w', metadata: { k: 1 } } },
      { type: 'user_message', role: 'user', content: 'q1', message_id: null },
      { type: 'user_message', role: 'user', content: 'q2', message_id: null },
      { type: 'permission', tool_name: 'Bash', description: 'run ls', granted: false },
      { type: 'provider_status', message: 'bad thing', data: { code: 7 } },
      { type: 'provider_status', message: 'no details', data: null },
      { type: 'provider_status', message: 'Result emitted', data: { success: true, duration_ms: 1200, num_turns: 3 } },
      { type: 'provider_status', message: 'failed', data: { success: false, duration_ms: null, num_turns: null } },
      {
        type: 'provider_status',
        message: 'Turn 2 complete',
        data: {
          stop_reason: 'end_turn',
          turn_index: 2,
          usage: { input_tokens: 5, output_tokens: 6, cache_read_tokens: null, cache_creation_tokens: null, web_search_requests: null, web_fetch_requests: null },
        },
      },
    ]);
    expect(kinds[9]).toEqual({
      type: 'usage_limit_hit',
      scope: 'weekly',
      reset_at: '2026-12-01T00:00:00Z',
      fallback_used: false,
      incident_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      raw: 'limit reached',
    });
    expect(kinds[10]).toEqual({ type: 'usage_limit_hit', scope: 'unknown', fallback_used: false, incident_id: expect.any(String) });
    expect(kinds[9]!.incident_id).not.toBe(kinds[10]!.incident_id);
    // The envelope's provider is the session's; usage_limit_hit writes it once.
    expect(fs.readFileSync(w.logPath, 'utf8').split('\n')[9]!.match(/"provider"/g)).toHaveLength(1);
    expect(lines).toHaveLength(11);
  });

  it("rejects a usage limit naming another provider than the session's (ERR_INVALID_EVENT), writing no such line", async () => {
    const dir = tempDir();
    const w = await writer(dir);
    const output = {
      agent: 'codex',
      session_id: 'unknown',
      is_error: false,
      events: [{ type: 'usage_limit_detected', provider: 'claude', scope: 'weekly' }],
    } as AgentOutput;
    await expect(recordAgentOutput(w, output)).rejects.toMatchObject({ code: 'ERR_INVALID_EVENT' });
    await w.close();
    expect(fs.readFileSync(w.logPath, 'utf8')).toBe('');
  });

  it('emits usage with cost (zag test_record_agent_output_emits_usage)', async () => {
    const dir = tempDir();
    const w = await writer(dir);
    await recordAgentOutput(w, {
      ...base,
      events: [],
      total_cost_usd: 0.05,
      usage: { input_tokens: 10000, output_tokens: 2000, cache_read_tokens: 500, cache_creation_tokens: 100, web_search_requests: null, web_fetch_requests: null },
    });
    await w.close();
    const text = fs.readFileSync(w.logPath, 'utf8');
    expect(text).toContain(
      '"type":"usage","input_tokens":10000,"output_tokens":2000,"cache_read_tokens":500,"cache_creation_tokens":100,"total_cost_usd":0.05}',
    );
  });

  it('emits a cost-only usage event when there is a cost but no usage, and nothing when neither', async () => {
    const dir = tempDir();
    const w = await writer(dir);
    await recordAgentOutput(w, { ...base, session_id: '', events: [], total_cost_usd: 2 });
    await recordAgentOutput(w, { ...base, session_id: '', events: [], total_cost_usd: null, usage: null });
    await w.close();
    const lines = fs.readFileSync(w.logPath, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"type":"usage","input_tokens":0,"output_tokens":0,"total_cost_usd":2.0}');
  });
});

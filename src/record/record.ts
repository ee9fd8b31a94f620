import { randomUUID } from 'node:crypto';
import type { LogSink } from '../schema/adapters.js';
import type { AgentLogEvent } from '../schema/event.js';
import type { LogEventInput } from '../schema/kinds.js';
import { inferToolKind } from '../schema/tool-kind.js';
import type { AgentContentBlock, AgentOutput, AgentOutputEvent, AgentUsage } from './agent-output.js';

/** Emits the prompt as a `user_message` (role `user`) unless it is missing, empty or blank. */
export function recordPrompt(writer: LogSink, prompt?: string | null): AgentLogEvent | null {
  if (typeof prompt !== 'string' || prompt.trim() === '') return null;
  return writer.emit('wrapper', { type: 'user_message', role: 'user', content: prompt, message_id: null });
}

/** serde writes every field of `Usage`, `None` as null. */
function usageJson(u: AgentUsage | null | undefined): Record<string, number | null> | null {
  if (!u) return null;
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    cache_read_tokens: u.cache_read_tokens ?? null,
    cache_creation_tokens: u.cache_creation_tokens ?? null,
    web_search_requests: u.web_search_requests ?? null,
    web_fetch_requests: u.web_fetch_requests ?? null,
  };
}

function blocks(content: unknown): AgentContentBlock[] {
  return Array.isArray(content) ? (content as AgentContentBlock[]) : [];
}

/** The log events zag's `record_agent_output` writes for one output event, in order. */
function mapEvent(ev: AgentOutputEvent): LogEventInput[] {
  switch (ev.type) {
    case 'assistant_message': {
      const out: LogEventInput[] = [];
      for (const b of blocks(ev.content)) {
        if (b.type === 'text') out.push({ type: 'assistant_message', content: b.text, message_id: null });
        else if (b.type === 'tool_use') {
          out.push({
            type: 'tool_call',
            tool_name: b.name,
            tool_kind: inferToolKind(b.name),
            tool_id: b.id,
            input: b.input ?? null,
          });
        }
      }
      return out;
    }
    case 'tool_execution':
      return [
        {
          type: 'tool_result',
          tool_name: ev.tool_name,
          tool_kind: inferToolKind(ev.tool_name),
          tool_id: ev.tool_id,
          success: ev.result.success,
          output: ev.result.output ?? null,
          error: ev.result.error ?? null,
          data: ev.result.data ?? null,
        },
      ];
    case 'permission_request':
      return [{ type: 'permission', tool_name: ev.tool_name, description: ev.description, granted: ev.granted }];
    case 'error':
      return [{ type: 'provider_status', message: ev.message, data: ev.details ?? null }];
    case 'init':
      return [
        {
          type: 'provider_status',
          message: `Initialized ${ev.model}`,
          data: { working_directory: ev.working_directory ?? null, metadata: ev.metadata ?? {} },
        },
      ];
    case 'user_message':
      return blocks(ev.content)
        .filter((b): b is Extract<AgentContentBlock, { type: 'text' }> => b.type === 'text')
        .map((b) => ({ type: 'user_message', role: 'user', content: b.text, message_id: null }));
    case 'result':
      return [
        {
          type: 'provider_status',
          message: ev.message ?? 'Result emitted',
          data: { success: ev.success, duration_ms: ev.duration_ms ?? null, num_turns: ev.num_turns ?? null },
        },
      ];
    case 'turn_complete':
      return [
        {
          type: 'provider_status',
          message: `Turn ${ev.turn_index} complete`,
          data: { stop_reason: ev.stop_reason ?? null, turn_index: ev.turn_index, usage: usageJson(ev.usage) },
        },
      ];
    case 'usage_limit_detected':
      // No relay here, so no scheduled resume: a fresh incident per detection, as zag does.
      return [
        {
          type: 'usage_limit_hit',
          provider: ev.provider,
          scope: ev.scope,
          reset_at: ev.reset_at ?? undefined,
          fallback_used: false,
          incident_id: randomUUID(),
          raw: ev.raw ?? undefined,
        },
      ];
    default:
      // An event type newer than this mapping: nothing to record.
      return [];
  }
}

/**
 * Records a whole zag `AgentOutput` the way zag's `record_agent_output` does:
 * the provider session id (unless empty or `unknown`), each event mapped to
 * log events, then one `usage` event from `usage` and `total_cost_usd`.
 * Returns the events written.
 */
export async function recordAgentOutput(writer: LogSink, output: AgentOutput): Promise<AgentLogEvent[]> {
  if (typeof output.session_id === 'string' && output.session_id !== '' && output.session_id !== 'unknown') {
    await writer.setProviderSessionId(output.session_id);
  }
  const written: AgentLogEvent[] = [];
  for (const ev of Array.isArray(output.events) ? output.events : []) {
    for (const input of mapEvent(ev)) written.push(writer.emit('wrapper', input));
  }
  const cost = output.total_cost_usd ?? undefined;
  // The run's model names the usage, so reports can group and price it.
  const model = typeof output.model === 'string' && output.model !== '' ? output.model : undefined;
  if (output.usage) {
    written.push(
      writer.emit('wrapper', {
        type: 'usage',
        input_tokens: output.usage.input_tokens,
        output_tokens: output.usage.output_tokens,
        cache_read_tokens: output.usage.cache_read_tokens ?? undefined,
        cache_creation_tokens: output.usage.cache_creation_tokens ?? undefined,
        total_cost_usd: cost,
        model,
      }),
    );
  } else if (cost !== undefined) {
    written.push(writer.emit('wrapper', { type: 'usage', input_tokens: 0, output_tokens: 0, total_cost_usd: cost, model }));
  }
  return written;
}

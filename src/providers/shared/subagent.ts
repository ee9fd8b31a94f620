import type { LogEventInput } from '../../schema/index.js';

/**
 * How sub-agent activity is marked, the same for every provider (the wire
 * format has no field for it, and zag's readers must still accept the lines):
 * - `message_id` and `tool_id` are prefixed with `subagent:<agentId>:`, so a
 *   sub-agent's tool_call and tool_result still pair with each other;
 * - provider_status events carry `data.subagent_id`;
 * - usage events are not marked (they have no free field) but are counted once.
 */
export const SUBAGENT_PREFIX = 'subagent:';

export function subagentId(agentId: string, id: string | null | undefined): string {
  return `${SUBAGENT_PREFIX}${agentId}:${id ?? ''}`;
}

/** The agent id of a marked id, or undefined for a main-agent id. */
export function subagentOf(id: string | null | undefined): string | undefined {
  if (!id?.startsWith(SUBAGENT_PREFIX)) return undefined;
  const rest = id.slice(SUBAGENT_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? rest : rest.slice(0, colon);
}

/** Marks one event as coming from sub-agent `agentId`. */
export function markSubagent(event: LogEventInput, agentId: string): LogEventInput {
  switch (event.type) {
    case 'user_message':
    case 'assistant_message':
    case 'reasoning':
      return { ...event, message_id: subagentId(agentId, event.message_id) };
    case 'tool_call':
    case 'tool_result':
      return { ...event, tool_id: subagentId(agentId, event.tool_id) };
    case 'provider_status': {
      const data =
        typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data)
          ? { ...(event.data as Record<string, unknown>), subagent_id: agentId }
          : { subagent_id: agentId, value: event.data ?? null };
      return { ...event, data };
    }
    default:
      return event;
  }
}

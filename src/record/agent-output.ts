/**
 * zag's `AgentOutput` (zag-agent `output.rs`) in its JSON form: snake_case
 * keys, events and content blocks tagged by `type`. `Option` fields may be
 * `null` or missing.
 */

export interface AgentUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens?: number | null;
  cache_creation_tokens?: number | null;
  web_search_requests?: number | null;
  web_fetch_requests?: number | null;
}

export type AgentContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

export interface AgentToolResult {
  success: boolean;
  output?: string | null;
  error?: string | null;
  data?: unknown;
}

export type AgentOutputEvent =
  | {
      type: 'init';
      model: string;
      tools?: string[];
      working_directory?: string | null;
      metadata?: Record<string, unknown>;
    }
  | { type: 'user_message'; content: AgentContentBlock[] }
  | {
      type: 'assistant_message';
      content: AgentContentBlock[];
      usage?: AgentUsage | null;
      parent_tool_use_id?: string | null;
    }
  | {
      type: 'tool_execution';
      tool_name: string;
      tool_id: string;
      input?: unknown;
      result: AgentToolResult;
      parent_tool_use_id?: string | null;
    }
  | { type: 'turn_complete'; stop_reason?: string | null; turn_index: number; usage?: AgentUsage | null }
  | {
      type: 'result';
      success: boolean;
      message?: string | null;
      duration_ms?: number | null;
      num_turns?: number | null;
    }
  | { type: 'error'; message: string; details?: unknown }
  | { type: 'permission_request'; tool_name: string; description: string; granted: boolean }
  | {
      type: 'usage_limit_detected';
      provider: string;
      scope: string;
      reset_at?: string | null;
      raw?: string | null;
    };

export interface AgentOutput {
  agent: string;
  session_id: string;
  events: AgentOutputEvent[];
  result?: string | null;
  is_error: boolean;
  exit_code?: number | null;
  error_message?: string | null;
  total_cost_usd?: number | null;
  usage?: AgentUsage | null;
  model?: string | null;
  provider?: string | null;
  log_path?: string | null;
}

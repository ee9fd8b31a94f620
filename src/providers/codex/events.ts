import { arr, num, obj, str } from '../shared/index.js';
import { webSearch } from './response-items.js';
import type { CodexState } from './state.js';
import type { EndInfo } from './tools.js';

/**
 * Event types with nothing to log: streaming deltas, "begin" halves whose
 * "end" carries the facts, UI-only notices, and events whose content the
 * response items already carry (plan updates, image views).
 */
const SILENT_EVENTS = new Set([
  'agent_message_delta',
  'agent_reasoning_delta',
  'agent_reasoning_raw_content_delta',
  'agent_reasoning_section_break',
  'exec_command_begin',
  'exec_command_output_delta',
  'terminal_interaction',
  'patch_apply_begin',
  'web_search_begin',
  'mcp_tool_call_begin',
  'mcp_startup_update',
  'mcp_startup_complete',
  'mcp_list_tools_response',
  'list_custom_prompts_response',
  'list_skills_response',
  'get_history_entry_response',
  'item_started',
  'item_updated',
  'turn_diff',
  'plan_update',
  'plan_delta',
  'view_image_tool_call',
  'session_configured',
  'shutdown_complete',
  'user_message_delta',
  'raw_response_item',
]);

/** Events that are worth a provider_status line as they are. */
const STATUS_EVENTS = new Set([
  'warning',
  'stream_error',
  'background_event',
  'deprecation_notice',
  'entered_review_mode',
  'exited_review_mode',
  'thread_name_updated',
  'thread_rolled_back',
  'undo_started',
  'undo_completed',
  'collab_agent_spawn_begin',
  'collab_agent_spawn_end',
  'collab_agent_interaction_begin',
  'collab_agent_interaction_end',
  'collab_waiting_begin',
  'collab_waiting_end',
  'collab_close_begin',
  'collab_close_end',
  'collab_resume_begin',
  'collab_resume_end',
  'context_window_exceeded',
  'model_reroute',
]);

export function handleEvent(s: CodexState, p: Record<string, unknown>, raw: string): void {
  const type = str(p.type) ?? '';
  switch (type) {
    case 'task_started':
    case 'turn_started':
      return s.enterTurn(str(p.turn_id) ?? s.generatedId('turn'));
    case 'task_complete':
    case 'turn_complete': {
      const error = obj(p.error);
      if (error) s.error(error, 'response');
      return s.endTurn();
    }
    case 'turn_aborted':
      s.status(`turn aborted: ${str(p.reason) ?? 'unknown'}`, p);
      return s.endTurn();
    case 'user_message': {
      const text = str(p.message) ?? '';
      const images = (arr(p.images)?.length ?? 0) + (arr(p.local_images)?.length ?? 0);
      if (text.trim() === '' && images === 0) return;
      return s.emit({ type: 'user_message', role: 'user', content: text, message_id: null });
    }
    case 'agent_message':
      return s.text('assistant', str(p.message) ?? '', 'event');
    case 'agent_reasoning':
      return s.text('reasoning', str(p.text) ?? '', 'event');
    case 'agent_reasoning_raw_content':
      return s.text('reasoning_raw', str(p.text) ?? '', 'event');
    case 'exec_command_end':
      return s.emit(...s.tools.end(str(p.call_id) ?? s.generatedId('exec'), execEnd(p)));
    case 'patch_apply_end':
      return s.emit(...s.tools.end(str(p.call_id) ?? s.generatedId('patch'), patchEnd(p)));
    case 'mcp_tool_call_end':
      return s.emit(...s.tools.end(str(p.call_id) ?? s.generatedId('mcp'), mcpEnd(p)));
    case 'web_search_end':
      return webSearch(s, p, 'event');
    case 'token_count':
      s.emitUsage(s.usage.onTokenCount(p));
      return s.rateLimits(p.rate_limits);
    case 'context_compacted':
      return compaction(s, 'event', null);
    case 'error':
      return s.error(p, 'event');
    case 'thread_settings_applied': {
      // A process applies the thread's settings when it opens the thread: inside its first turn
      // for a new thread, before any turn when `codex resume` reopens one (appended to the same file).
      if (!s.turnOpen && s.turnsEnded > 0) {
        const id = s.meta.sessionId ?? str(p.thread_id) ?? null;
        s.status(id ? `resumed Codex session ${id}` : 'resumed Codex session', { kind: 'session_resumed', resumed_from: id });
      }
      const settings = obj(p.thread_settings);
      const model = str(settings?.model);
      if (model) s.meta.model = model;
      s.meta.cwd ??= str(settings?.cwd);
      return;
    }
    case 'item_completed':
      return handleItem(s, obj(p.item) ?? {}, raw);
    default:
      if (SILENT_EVENTS.has(type)) return;
      if (STATUS_EVENTS.has(type)) return s.status(statusText(type, p), p);
      return s.noteUnknown(`event_msg:${type || '(none)'}`, raw);
  }
}

function statusText(type: string, p: Record<string, unknown>): string {
  const message = str(p.message) ?? str(p.thread_name) ?? str(p.reason);
  return message ? `${type}: ${message}` : type;
}

/** One compaction is reported once, although `compacted` and the event both record it. */
export function compaction(s: CodexState, channel: 'response' | 'event', data: unknown): void {
  if (!s.twins.admit('compaction', '', channel)) return;
  s.status('context compacted', data);
}

function exitSuccess(exitCode: number | undefined, status: string | undefined): boolean | undefined {
  if (exitCode !== undefined) return exitCode === 0;
  if (status === 'completed') return true;
  if (status === 'failed' || status === 'declined') return false;
  return undefined;
}

function execEnd(p: Record<string, unknown>): EndInfo {
  const exitCode = num(p.exit_code);
  const source = str(p.source);
  return {
    name: source === 'user_shell' ? 'user_shell' : 'exec_command',
    input: { command: p.command ?? null },
    exitCode,
    success: exitSuccess(exitCode, str(p.status)),
    output: str(p.aggregated_output) ?? str(p.formatted_output) ?? str(p.stdout),
    data: exitCode !== undefined ? { exit_code: exitCode } : {},
  };
}

function patchEnd(p: Record<string, unknown>): EndInfo {
  const success = typeof p.success === 'boolean' ? p.success : exitSuccess(undefined, str(p.status));
  const stderr = str(p.stderr);
  return {
    name: 'apply_patch',
    input: { files: Object.keys(obj(p.changes) ?? {}) },
    success,
    output: str(p.stdout),
    error: success === false && stderr ? stderr : undefined,
  };
}

function mcpEnd(p: Record<string, unknown>): EndInfo {
  const inv = obj(p.invocation);
  const result = obj(p.result);
  const ok = obj(result?.Ok) ?? obj(result?.ok);
  const err = result?.Err ?? result?.err;
  const success = err !== undefined ? false : ok ? ok.isError !== true && ok.is_error !== true : undefined;
  return {
    name: `${str(inv?.server) ?? 'mcp'}__${str(inv?.tool) ?? 'tool'}`,
    input: inv?.arguments ?? null,
    success,
    output: ok ? JSON.stringify(ok.content ?? ok) : undefined,
    error: typeof err === 'string' ? err : undefined,
  };
}

/** Paginated (0.17x) `item_completed` items. */
function handleItem(s: CodexState, item: Record<string, unknown>, raw: string): void {
  const type = str(item.type) ?? '';
  const id = str(item.id);
  switch (type) {
    case 'UserMessage': {
      const parts: string[] = [];
      for (const c of arr(item.content) ?? []) {
        const t = str(obj(c)?.text);
        if (t !== undefined) parts.push(t);
      }
      const text = parts.join('\n');
      if (text.trim() === '' && (arr(item.content)?.length ?? 0) === 0) return;
      return s.emit({ type: 'user_message', role: 'user', content: text, message_id: id ?? null });
    }
    case 'AgentMessage':
      for (const c of arr(item.content) ?? []) s.text('assistant', str(obj(c)?.text) ?? '', 'event', id);
      return;
    case 'Reasoning':
      for (const t of arr(item.summary_text) ?? []) s.text('reasoning', str(t) ?? '', 'event', id);
      for (const t of arr(item.raw_content) ?? []) s.text('reasoning_raw', str(t) ?? str(obj(t)?.text) ?? '', 'event', id);
      return;
    case 'CommandExecution':
      return s.emit(...s.tools.end(id ?? s.generatedId('exec'), execEnd(item)));
    case 'FileChange':
      return s.emit(...s.tools.end(id ?? s.generatedId('patch'), { ...patchEnd(item), input: item.changes ?? null }));
    case 'McpToolCall': {
      const status = str(item.status);
      const error = obj(item.error);
      return s.emit(
        ...s.tools.end(id ?? s.generatedId('mcp'), {
          name: `${str(item.server) ?? 'mcp'}__${str(item.tool) ?? 'tool'}`,
          input: item.arguments ?? null,
          success: error ? false : exitSuccess(undefined, status),
          output: item.result !== undefined ? JSON.stringify(item.result) : undefined,
          error: str(error?.message),
        }),
      );
    }
    case 'WebSearch':
      return webSearch(s, item, 'event', id);
    case 'ContextCompaction':
      return compaction(s, 'event', null);
    case 'Plan':
      return s.status('plan', { text: item.text ?? null });
    case 'HookPrompt':
    case 'ImageView':
    case 'ImageGeneration':
    case 'CollabAgentToolCall':
    case 'DynamicToolCall':
    case 'EnteredReviewMode':
    case 'ExitedReviewMode':
      // Carried by the matching response items / status events.
      return;
    default:
      return s.noteUnknown(`item_completed:${type || '(none)'}`, raw);
  }
}

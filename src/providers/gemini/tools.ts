import { inferToolKind, type LogEventInputOf, type ToolKind } from '../../schema/index.js';
import { arr, obj, str } from '../shared/index.js';
import { responseOutput, type FunctionResponsePart } from './content.js';

/**
 * Gemini's own tool names that zag's generic heuristic gets wrong
 * (`replace` is its edit tool, `write_todos` is a plan, not a file write).
 */
const GEMINI_TOOL_KINDS: Record<string, ToolKind> = {
  run_shell_command: 'shell',
  read_file: 'file_read',
  read_many_files: 'file_read',
  write_file: 'file_write',
  replace: 'file_edit',
  edit: 'file_edit',
  smart_edit: 'file_edit',
  glob: 'search',
  grep: 'search',
  search_file_content: 'search',
  list_directory: 'search',
  google_web_search: 'web',
  web_fetch: 'web',
  write_todos: 'other',
  save_memory: 'other',
  delegate_to_agent: 'sub_agent',
};

export function geminiToolKind(name: string): ToolKind {
  return GEMINI_TOOL_KINDS[name] ?? inferToolKind(name);
}

/** Statuses after which a tool call will not change any more. */
const FINAL_STATUSES = new Set(['success', 'error', 'cancelled']);

/** One entry of a gemini message's `toolCalls`, read leniently. */
export interface ToolCallView {
  id: string;
  name: string;
  args: unknown;
  status: string | undefined;
  final: boolean;
  responses: FunctionResponsePart[];
  resultDisplay: unknown;
  agentId: string | undefined;
}

/** Reads `toolCalls[index]`; a call without an id gets one derived from its message. */
export function readToolCall(raw: unknown, messageId: string, index: number): ToolCallView | undefined {
  const tc = obj(raw);
  if (!tc) return undefined;
  const status = str(tc['status']);
  const responses: FunctionResponsePart[] = [];
  for (const part of arr(tc['result']) ?? []) {
    const fr = obj(obj(part)?.['functionResponse']);
    if (fr) responses.push({ id: str(fr['id']), name: str(fr['name']), response: fr['response'] });
  }
  const final = status !== undefined ? FINAL_STATUSES.has(status) : responses.length > 0;
  return {
    id: str(tc['id']) || `${messageId}#${index}`,
    name: str(tc['name']) ?? str(tc['displayName']) ?? 'unknown',
    args: tc['args'] ?? null,
    status,
    final,
    responses,
    resultDisplay: tc['resultDisplay'],
    agentId: str(tc['agentId']),
  };
}

export function toolCallEvent(id: string, name: string, args: unknown): LogEventInputOf<'tool_call'> {
  return { type: 'tool_call', tool_name: name, tool_kind: geminiToolKind(name), tool_id: id, input: args ?? null };
}

/** Shell output reports the process exit status only as text ("Exit Code: 1"). */
export function exitCodeOf(output: string | undefined): number | undefined {
  if (!output) return undefined;
  const m = /(?:^|\n)Exit Code: (-?\d+)/.exec(output);
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

function joinDefined(values: Array<string | undefined>): string | undefined {
  const kept = values.filter((v): v is string => v !== undefined);
  return kept.length > 0 ? kept.join('\n') : undefined;
}

/**
 * The tool_result of a finished call. `success` is false for `error` and
 * `cancelled`, and also for a shell command that exited non-zero, which Gemini
 * records as `status: "success"` with the exit code inside the output.
 */
export function toolResultEvent(call: ToolCallView): LogEventInputOf<'tool_result'> {
  const parts = call.responses.map((r) => responseOutput(r.response));
  let output = joinDefined(parts.map((p) => p.output));
  let error = joinDefined(parts.map((p) => p.error));
  const display = call.resultDisplay;
  if (output === undefined && typeof display === 'string' && display !== '') output = display;
  if (call.status === 'error' && error === undefined) error = typeof display === 'string' && display ? display : 'error';
  if (call.status === 'cancelled' && error === undefined) error = 'cancelled';
  const exitCode = geminiToolKind(call.name) === 'shell' ? exitCodeOf(output) : undefined;
  const success = call.status === 'error' || call.status === 'cancelled' ? false : error === undefined && !exitCode;
  const data: Record<string, unknown> = {};
  if (call.status !== undefined) data['status'] = call.status;
  if (exitCode !== undefined) data['exit_code'] = exitCode;
  // Structured displays (file diffs) are worth keeping; string ones repeat the output.
  if (obj(display)) data['result_display'] = display;
  return {
    type: 'tool_result',
    tool_name: call.name,
    tool_kind: geminiToolKind(call.name),
    tool_id: call.id,
    success,
    output: output ?? null,
    error: error ?? null,
    data: Object.keys(data).length > 0 ? data : null,
  };
}

/** A tool_result from a bare `functionResponse` part (a user record echoing a result). */
export function responsePartResultEvent(part: FunctionResponsePart, id: string): LogEventInputOf<'tool_result'> {
  const { output, error } = responseOutput(part.response);
  const name = part.name ?? 'unknown';
  const exitCode = geminiToolKind(name) === 'shell' ? exitCodeOf(output) : undefined;
  return {
    type: 'tool_result',
    tool_name: name,
    tool_kind: geminiToolKind(name),
    tool_id: id,
    success: error === undefined && !exitCode,
    output: output ?? null,
    error: error ?? null,
    data: exitCode !== undefined ? { exit_code: exitCode } : null,
  };
}

import { inferToolKind, type ToolKind } from '../../schema/index.js';
import { arr, num, obj, str } from '../shared/index.js';

/**
 * Copilot CLI's own tool names. The generic heuristic gets most of them
 * (`bash`, `view`, `edit`, `glob`, `web_fetch`, `read_bash`…) but not these.
 */
const COPILOT_TOOL_KINDS: Record<string, ToolKind> = {
  create: 'file_write',
  str_replace: 'file_edit',
  str_replace_editor: 'file_edit',
  insert: 'file_edit',
  apply_patch: 'file_edit',
  rg: 'search',
  grep: 'search',
  task: 'sub_agent',
  read_agent: 'sub_agent',
  list_agents: 'sub_agent',
  report_intent: 'other',
};

/** The tool kind of a Copilot tool name (MCP tools fall back to the heuristic). */
export function copilotToolKind(name: string): ToolKind {
  return COPILOT_TOOL_KINDS[name] ?? inferToolKind(name);
}

/** Text of a tool result's `content`: a string, or a list of text blocks. */
export function resultText(result: unknown): string | undefined {
  const o = obj(result);
  if (!o) return str(result);
  const content = o.content;
  const text = str(content);
  if (text !== undefined) return text;
  const blocks = arr(content);
  if (blocks) {
    const parts = blocks.map((b) => str(obj(b)?.text) ?? str(b)).filter((t): t is string => t !== undefined);
    return parts.length > 0 ? parts.join('\n') : undefined;
  }
  return undefined;
}

/** The message of a tool error: `{message, code?}` or a bare string. */
export function errorText(error: unknown): string | undefined {
  const s = str(error);
  if (s !== undefined) return s;
  const o = obj(error);
  if (!o) return undefined;
  return str(o.message) ?? str(o.code);
}

/** The shell exit code of a completed tool (1.0.102 `shellExecution.exitCode`). */
export function shellExitCode(data: Record<string, unknown>): number | undefined {
  const code = num(obj(data.shellExecution)?.exitCode);
  return code !== undefined && Number.isInteger(code) ? code : undefined;
}

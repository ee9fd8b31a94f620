import { inferToolKind, type ToolKind } from '../../schema/index.js';

/**
 * Claude Code's built-in tool names. Explicit, because zag's substring
 * heuristic misfiles some of them (`TodoWrite` is not a file write, `Task` is
 * the pre-2.1 name of the sub-agent tool, `LS` lists a directory).
 */
const CLAUDE_TOOL_KINDS: Readonly<Record<string, ToolKind>> = {
  Bash: 'shell',
  BashOutput: 'shell',
  KillShell: 'shell',
  KillBash: 'shell',
  PowerShell: 'shell',
  Read: 'file_read',
  Write: 'file_write',
  Edit: 'file_edit',
  MultiEdit: 'file_edit',
  NotebookEdit: 'notebook',
  NotebookRead: 'notebook',
  Glob: 'search',
  Grep: 'search',
  LS: 'search',
  Agent: 'sub_agent',
  Task: 'sub_agent',
  SendMessage: 'sub_agent',
  WebFetch: 'web',
  WebSearch: 'web',
  web_search: 'web',
  web_fetch: 'web',
  TodoWrite: 'other',
  TodoRead: 'other',
  TaskCreate: 'other',
  TaskUpdate: 'other',
  TaskList: 'other',
  TaskGet: 'other',
  TaskOutput: 'other',
  TaskStop: 'other',
  ExitPlanMode: 'other',
  EnterPlanMode: 'other',
  ToolSearch: 'other',
  Skill: 'other',
  SlashCommand: 'other',
  AskUserQuestion: 'other',
};

/**
 * The tool kind of a Claude tool name. MCP tools (`mcp__<server>__<tool>`)
 * are classified by their own tool part; anything unknown falls back to the
 * shared heuristic.
 */
export function claudeToolKind(name: string): ToolKind {
  const known = CLAUDE_TOOL_KINDS[name];
  if (known) return known;
  if (name.startsWith('mcp__')) {
    const tool = name.slice(name.lastIndexOf('__') + 2);
    return inferToolKind(tool || name);
  }
  return inferToolKind(name);
}

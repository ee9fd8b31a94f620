import { arr, bool, num, obj, str } from '../shared/index.js';

/** What a tool output says about how the tool ended. */
export interface ToolOutcome {
  /** The output text as the model saw it (never truncated here). */
  text: string;
  /** true / false when the output says so; undefined when it does not. */
  success?: boolean;
  exitCode?: number;
  /** Unified exec: the process is still running under this session id (write_stdin continues it). */
  runningSessionId?: number;
  /** Extra facts worth keeping (exit code, wall time, legacy shell metadata). */
  data?: Record<string, unknown>;
}

const EXITED = /^Process exited with code (-?\d+)\s*$/m;
const RUNNING = /^Process running with session ID (\d+)\s*$/m;
const WALL = /^Wall time: ([\d.]+) seconds?\s*$/m;
// The freeform shell format of 2025 versions: "Exit code: 0\nWall time: …\nOutput:\n…".
const EXIT_CODE_LINE = /^Exit code: (-?\d+)\s*$/m;

/**
 * Reads a `function_call_output` / `custom_tool_call_output` payload's `output`.
 * Codex writes, depending on version and tool:
 * - unified exec text: `Chunk ID…\nWall time…\nProcess exited with code N` or
 *   `Process running with session ID N` (write_stdin calls deliver the rest);
 * - the legacy shell / apply_patch JSON string `{"output":…, "metadata":{"exit_code":N,…}}`;
 * - `Exit code: N\nWall time…\nOutput:\n…` (freeform shell);
 * - an object `{content | content_items, success}` or an array of content items (MCP).
 * Anything else is plain text with an unknown outcome.
 */
export function readToolOutput(output: unknown): ToolOutcome {
  if (typeof output === 'string') return readOutputText(output);
  const items = arr(output);
  if (items) return { text: contentItemsText(items) };
  const o = obj(output);
  if (o) {
    const content = str(o.content) ?? (arr(o.content_items) ? contentItemsText(arr(o.content_items)!) : undefined);
    const inner = content !== undefined ? readOutputText(content) : { text: JSON.stringify(o) };
    const success = bool(o.success);
    return success === undefined ? inner : { ...inner, success };
  }
  return { text: output === undefined || output === null ? '' : JSON.stringify(output) };
}

/** The status lines come before `Output:`; scanning only the head keeps huge outputs cheap. */
function headOf(text: string): string {
  const at = text.indexOf('\nOutput:');
  return text.slice(0, at >= 0 ? at : 1024);
}

function readOutputText(text: string): ToolOutcome {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && trimmed.includes('"metadata"')) {
    const legacy = readLegacyShellJson(trimmed);
    if (legacy) return legacy;
  }
  const head = headOf(text);
  const exited = EXITED.exec(head);
  const running = exited ? null : RUNNING.exec(head);
  const wall = WALL.exec(head);
  const data: Record<string, unknown> = {};
  if (wall) data.wall_time_seconds = Number(wall[1]);
  if (exited) {
    const exitCode = Number(exited[1]);
    return { text, success: exitCode === 0, exitCode, data: { ...data, exit_code: exitCode } };
  }
  if (running) {
    const runningSessionId = Number(running[1]);
    return { text, runningSessionId, data: { ...data, running: true, session_id: runningSessionId } };
  }
  const freeform = EXIT_CODE_LINE.exec(head);
  if (freeform && text.startsWith('Exit code:')) {
    const exitCode = Number(freeform[1]);
    return { text, success: exitCode === 0, exitCode, data: { ...data, exit_code: exitCode } };
  }
  if (/^write_stdin failed:/.test(text) || /^(?:execution error|exec command rejected|aborted)/i.test(text)) {
    return { text, success: false };
  }
  return Object.keys(data).length > 0 ? { text, data } : { text };
}

function readLegacyShellJson(text: string): ToolOutcome | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = obj(parsed);
  const meta = obj(o?.metadata);
  if (!o || !meta) return undefined;
  const inner = str(o.output) ?? '';
  const exitCode = num(meta.exit_code);
  const outcome: ToolOutcome = { text: inner, data: { ...meta } };
  if (exitCode !== undefined) {
    outcome.exitCode = exitCode;
    outcome.success = exitCode === 0;
  }
  return outcome;
}

/** Joins the text of `[{type:"input_text"|"output_text"|"text", text}]` items. */
export function contentItemsText(items: unknown[]): string {
  const parts: string[] = [];
  for (const item of items) {
    const t = str(obj(item)?.text);
    if (t !== undefined) parts.push(t);
  }
  return parts.join('\n');
}

import { inferToolKind, type LogEventInput, type LogEventInputOf, type ToolKind } from '../../schema/index.js';
import type { ToolOutcome } from './exec-output.js';

const CODEX_TOOL_KINDS: Readonly<Record<string, ToolKind>> = {
  exec_command: 'shell',
  write_stdin: 'shell',
  shell: 'shell',
  shell_command: 'shell',
  local_shell: 'shell',
  container_exec: 'shell',
  'container.exec': 'shell',
  user_shell: 'shell',
  apply_patch: 'file_edit',
  view_image: 'file_read',
  read_file: 'file_read',
  list_dir: 'search',
  grep_files: 'search',
  web_search: 'web',
  spawn_agent: 'sub_agent',
  wait_agent: 'sub_agent',
  send_input: 'sub_agent',
  close_agent: 'sub_agent',
  resume_agent: 'sub_agent',
};

/** Codex's own tool names first (e.g. `write_stdin` is a shell tool, not a file write), then zag's heuristic. */
export function codexToolKind(name: string): ToolKind {
  const known = CODEX_TOOL_KINDS[name];
  if (known) return known;
  // MCP tools are `server__tool`: classify by the tool part.
  const sep = name.lastIndexOf('__');
  return inferToolKind(sep > 0 ? name.slice(sep + 2) : name);
}

/** What an event (exec_command_end, CommandExecution, patch_apply_end, …) says about a call. */
export interface EndInfo {
  success?: boolean;
  exitCode?: number;
  output?: string;
  error?: string;
  data?: Record<string, unknown>;
  /** Used only when no tool call was recorded for this id (e.g. a user `!cmd` shell command). */
  name: string;
  input: unknown;
}

interface CallState {
  name: string;
  input: unknown;
  /** The tool_call event was emitted. */
  called: boolean;
  /** The tool_result event was emitted. */
  done: boolean;
  /** The output said "Process running with session ID N": the result waits for the process to end. */
  running?: ToolOutcome;
  end?: EndInfo;
}

/**
 * Pairs tool calls with exactly one result each.
 *
 * The result of a call is its `function_call_output` / `custom_tool_call_output`
 * (what the model saw), enriched with the exit status from the matching event
 * (`exec_command_end`, `patch_apply_end`, `mcp_tool_call_end`, paginated
 * `CommandExecution` / `FileChange` / `McpToolCall`), which Codex writes just
 * before or just after the output. Rules:
 * - output first: emitted at once, with the status the output text gives;
 *   the later event is then a duplicate and is dropped;
 * - event first: kept until the output arrives, then merged into one result;
 * - unified exec output that says the process is still running: the result
 *   waits until the process ends (its end event, or a `write_stdin` output for
 *   the same session that reports the exit code), so `success` is the
 *   process's real exit status;
 * - at the end of a turn (and at end of input) whatever still waits is emitted
 *   with what is known; an event without any recorded call (a user shell
 *   command) becomes a synthesized tool_call plus its tool_result.
 */
export class ToolTracker {
  readonly #calls = new Map<string, CallState>();
  /** Ids whose result is still owed: what flush() looks at, so a long session's flushes stay cheap. */
  readonly #open = new Set<string>();
  readonly #runningBySession = new Map<number, string>();

  call(id: string, name: string, input: unknown): LogEventInput[] {
    const state = this.#calls.get(id);
    if (state?.called) return [];
    if (state) {
      state.called = true;
      state.name = name;
      state.input = input;
    } else {
      this.#calls.set(id, { name, input, called: true, done: false });
      this.#open.add(id);
    }
    return [callEvent(id, name, input)];
  }

  output(id: string, outcome: ToolOutcome): LogEventInput[] {
    let state = this.#calls.get(id);
    if (state?.done) return [];
    if (!state) {
      // An output whose call we never saw (file resumed mid-call, or a broken line).
      state = { name: '', input: null, called: false, done: false };
      this.#calls.set(id, state);
      this.#open.add(id);
    }
    // Only the call that started a process waits for it; a write_stdin that
    // finds it still running has its own complete result.
    if (outcome.runningSessionId !== undefined && !state.end && state.name !== 'write_stdin') {
      state.running = outcome;
      this.#runningBySession.set(outcome.runningSessionId, id);
      return [];
    }
    return [...this.#finish(id, state, outcome, state.end), ...this.#continuation(state, outcome)];
  }

  end(id: string, info: EndInfo): LogEventInput[] {
    const state = this.#calls.get(id);
    if (state?.done) return [];
    if (state?.running) return this.#finish(id, state, state.running, info);
    if (state) state.end = info;
    else {
      this.#calls.set(id, { name: info.name, input: info.input, called: false, done: false, end: info });
      this.#open.add(id);
    }
    return [];
  }

  /** Emits everything still waiting (turn end, end of input). */
  flush(): LogEventInput[] {
    const out: LogEventInput[] = [];
    for (const id of [...this.#open]) {
      const state = this.#calls.get(id)!;
      if (state.done) continue;
      if (state.running) out.push(...this.#finish(id, state, state.running, state.end));
      else if (state.end) {
        if (!state.called) {
          state.called = true;
          out.push(callEvent(id, state.end.name, state.end.input));
        }
        out.push(...this.#finish(id, state, undefined, state.end));
      } else {
        // Never answered (interrupted turn, file resumed mid-call): no result is
        // invented; a late output still pairs through #calls.
        this.#open.delete(id);
      }
    }
    return out;
  }

  /** A write_stdin output that reports the exit code ends the exec call that started the process. */
  #continuation(state: CallState, outcome: ToolOutcome): LogEventInput[] {
    if (outcome.exitCode === undefined || state.name !== 'write_stdin') return [];
    const sessionId = sessionIdOf(state.input);
    const execId = sessionId === undefined ? undefined : this.#runningBySession.get(sessionId);
    const exec = execId === undefined ? undefined : this.#calls.get(execId);
    if (execId === undefined || !exec?.running || exec.done) return [];
    return this.#finish(execId, exec, exec.running, {
      name: exec.name,
      input: exec.input,
      exitCode: outcome.exitCode,
      success: outcome.exitCode === 0,
      data: { exit_code: outcome.exitCode, exit_reported_by: 'write_stdin' },
    });
  }

  #finish(id: string, state: CallState, outcome: ToolOutcome | undefined, end: EndInfo | undefined): LogEventInput[] {
    state.done = true;
    this.#open.delete(id);
    if (state.running?.runningSessionId !== undefined) this.#runningBySession.delete(state.running.runningSessionId);
    const name = state.name || end?.name || '';
    const success = outcome?.success ?? end?.success;
    const exitCode = outcome?.exitCode ?? end?.exitCode;
    const data = { ...(end?.data ?? {}), ...(outcome?.data ?? {}) };
    if (exitCode !== undefined) data.exit_code = exitCode;
    if (state.running && end) data.running = false;
    const event: LogEventInputOf<'tool_result'> = {
      type: 'tool_result',
      tool_name: name || null,
      tool_id: id,
      success: success ?? null,
      output: outcome?.text ?? end?.output ?? null,
      error: success === false ? (end?.error ?? (exitCode !== undefined ? `exit code ${exitCode}` : null)) : null,
      data: Object.keys(data).length > 0 ? data : null,
    };
    if (name) event.tool_kind = codexToolKind(name);
    // Free the payloads: only the done flag is needed from now on (to drop late duplicates).
    state.input = sessionIdOf(state.input) !== undefined ? { session_id: sessionIdOf(state.input) } : null;
    state.running = undefined;
    state.end = undefined;
    return [event];
  }
}

function callEvent(id: string, name: string, input: unknown): LogEventInputOf<'tool_call'> {
  return { type: 'tool_call', tool_name: name, tool_kind: codexToolKind(name), tool_id: id, input: input ?? null };
}

function sessionIdOf(input: unknown): number | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const v = (input as Record<string, unknown>).session_id;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

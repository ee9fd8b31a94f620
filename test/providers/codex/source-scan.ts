import { readFileSync } from 'node:fs';

/**
 * An independent, deliberately naive reading of a Codex rollout file: what a
 * correct normalization must contain, computed straight from the records
 * (whole file in memory, no state machine shared with the parser).
 */
export interface SourceExpectations {
  sessionId: string | undefined;
  cwd: string | undefined;
  model: string | undefined;
  prompts: string[];
  /** text -> how many times it must appear (max of the two channels, per turn). */
  assistant: Map<string, number>;
  reasoning: Map<string, number>;
  /** Every tool call id with its name and input, in file order. */
  calls: Array<{ id: string; name: string; input: unknown }>;
  /** Web searches by query (they have no id in the response item). */
  webQueries: string[];
  /** call id -> expected success (null when the source does not say). */
  success: Map<string, boolean | null>;
  /** Final cumulative totals (OpenAI semantics) or undefined when the file has none. */
  finalTotals: { input: number; cached: number; output: number } | undefined;
  /** Sum of token_usage_record usage over distinct response ids (0.17x only). */
  recordSums: { input: number; cached: number; output: number } | undefined;
  /** Turns in which a usage limit was signalled. */
  limitTurns: number;
}

type Rec = { type?: string; payload?: Record<string, any>; metadata?: Record<string, any> };

function bump(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/** Per turn: each text counts max(response copies, event copies). */
function mergeTurn(total: Map<string, number>, resp: Map<string, number>, ev: Map<string, number>): void {
  for (const k of new Set([...resp.keys(), ...ev.keys()])) bump(total, k, Math.max(resp.get(k) ?? 0, ev.get(k) ?? 0));
  resp.clear();
  ev.clear();
}

const textExit = (s: string): number | undefined => {
  const m = /Process exited with code (-?\d+)/.exec(s);
  if (m) return Number(m[1]);
  try {
    const j = JSON.parse(s);
    if (typeof j?.metadata?.exit_code === 'number') return j.metadata.exit_code;
  } catch {
    /* not JSON */
  }
  return undefined;
};

export function scanRollout(path: string): SourceExpectations {
  const recs: Rec[] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  const e: SourceExpectations = {
    sessionId: undefined,
    cwd: undefined,
    model: undefined,
    prompts: [],
    assistant: new Map(),
    reasoning: new Map(),
    calls: [],
    webQueries: [],
    success: new Map(),
    finalTotals: undefined,
    recordSums: undefined,
    limitTurns: 0,
  };
  const respA = new Map<string, number>();
  const evA = new Map<string, number>();
  const respR = new Map<string, number>();
  const evR = new Map<string, number>();
  const eventExit = new Map<string, boolean>();
  const outputs = new Map<string, string>();
  const stdinSession = new Map<string, number>();
  const responses = new Set<string>();
  const limitTurns = new Set<string>();
  let turn = '';
  for (const r of recs) {
    const p = r.payload ?? {};
    if (r.type === 'session_meta') {
      e.sessionId ??= p.id;
      e.cwd ??= p.cwd;
    }
    if (r.type === 'turn_context' && p.model) e.model = p.model;
    if (r.type === 'event_msg' && p.type === 'task_started') {
      mergeTurn(e.assistant, respA, evA);
      mergeTurn(e.reasoning, respR, evR);
      turn = p.turn_id;
    }
    if (r.type === 'response_item') {
      if (p.type === 'message' && p.role === 'assistant' && !r.metadata?.compaction_output) {
        for (const c of p.content ?? []) if (c.text) bump(respA, c.text);
      }
      if (p.type === 'reasoning') for (const s of p.summary ?? []) if (s.text) bump(respR, s.text);
      if (p.type === 'function_call') {
        let input: unknown = p.arguments;
        try {
          input = JSON.parse(p.arguments);
        } catch {
          /* kept as string */
        }
        e.calls.push({ id: p.call_id, name: p.name, input });
        if (p.name === 'write_stdin') stdinSession.set(p.call_id, (input as any).session_id);
      }
      if (p.type === 'custom_tool_call') e.calls.push({ id: p.call_id, name: p.name, input: p.input });
      if (p.type === 'local_shell_call') e.calls.push({ id: p.call_id, name: 'local_shell', input: p.action });
      if (p.type === 'function_call_output' || p.type === 'custom_tool_call_output') outputs.set(p.call_id, p.output);
      if (p.type === 'web_search_call') e.webQueries.push(p.action?.query);
    }
    if (r.type === 'event_msg') {
      if (p.type === 'user_message' && p.message.trim()) e.prompts.push(p.message);
      if (p.type === 'agent_message' && p.message) bump(evA, p.message);
      if (p.type === 'agent_reasoning' && p.text) bump(evR, p.text);
      if (p.type === 'exec_command_end') eventExit.set(p.call_id, p.exit_code === 0);
      if (p.type === 'patch_apply_end') eventExit.set(p.call_id, p.success);
      if (p.type === 'item_completed') {
        const it = p.item;
        if (it.type === 'UserMessage') e.prompts.push(it.content.map((c: any) => c.text).join('\n'));
        if (it.type === 'AgentMessage') for (const c of it.content) if (c.text) bump(evA, c.text);
        if (it.type === 'Reasoning') for (const t of it.summary_text) if (t) bump(evR, t);
        if (it.type === 'CommandExecution') eventExit.set(it.id, it.exit_code === 0);
      }
      if (p.type === 'token_count' && p.info?.total_token_usage) {
        const t = p.info.total_token_usage;
        e.finalTotals = { input: t.input_tokens, cached: t.cached_input_tokens, output: t.output_tokens };
      }
      const rl = p.type === 'token_count' ? p.rate_limits : undefined;
      if (rl?.primary?.used_percent >= 100 || rl?.secondary?.used_percent >= 100) limitTurns.add(turn);
      if (p.type === 'task_complete' && p.error?.codex_error_info === 'usage_limit_exceeded') limitTurns.add(turn);
    }
    if (r.type === 'token_usage_record' && !responses.has(p.response_id)) {
      responses.add(p.response_id);
      e.recordSums ??= { input: 0, cached: 0, output: 0 };
      e.recordSums.input += p.usage.input_tokens;
      e.recordSums.cached += p.usage.cached_input_tokens;
      e.recordSums.output += p.usage.output_tokens;
    }
  }
  mergeTurn(e.assistant, respA, evA);
  mergeTurn(e.reasoning, respR, evR);
  e.limitTurns = limitTurns.size;

  // Success: the output's own exit code, else the event's, else (a process
  // left running) the exit code a later write_stdin on that session printed.
  const stdinExitBySession = new Map<number, number>();
  for (const [id, sid] of stdinSession) {
    const out = outputs.get(id);
    const code = typeof out === 'string' ? textExit(out) : undefined;
    if (code !== undefined && !stdinExitBySession.has(sid)) stdinExitBySession.set(sid, code);
  }
  for (const c of e.calls) {
    const out = outputs.get(c.id);
    const code = typeof out === 'string' ? textExit(out) : undefined;
    let success: boolean | null = code !== undefined ? code === 0 : (eventExit.get(c.id) ?? null);
    if (success === null && typeof out === 'string' && c.name !== 'write_stdin') {
      const running = /Process running with session ID (\d+)/.exec(out);
      const later = running ? stdinExitBySession.get(Number(running[1])) : undefined;
      if (later !== undefined) success = later === 0;
    }
    if (success === null && typeof out === 'string' && out.startsWith('write_stdin failed')) success = false;
    e.success.set(c.id, success);
  }
  return e;
}

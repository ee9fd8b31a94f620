/**
 * A session's events arranged for reading: the conversation in order, each
 * tool call paired with its result (and the time between them), reasoning
 * apart, and the session's totals. Both renderers (markdown, html) work from
 * this one shape, so they show the same things.
 */
import { subagentOf } from '../providers/shared/subagent.js';
import { isKnownEventType, type AgentLogEvent, type LogEnvelope, type LogEventOf } from '../schema/index.js';

export type ToolCallEvent = LogEnvelope & LogEventOf<'tool_call'>;
export type ToolResultEvent = LogEnvelope & LogEventOf<'tool_result'>;

/** A tool call and the result that answered it (null while none came). */
export interface TranscriptTool {
  kind: 'tool';
  /** 1-based number of the call in the session, for links between timeline and conversation. */
  number: number;
  call: ToolCallEvent;
  result: ToolResultEvent | null;
  /** From the call's `ts` to the result's `ts`; null without a result or a readable time. */
  durationMs: number | null;
  /** false when the result says it failed, null when unknown or no result. */
  ok: boolean | null;
  subagent: string | undefined;
}

export type TranscriptItem =
  | { kind: 'message'; role: string; text: string; event: AgentLogEvent; subagent: string | undefined }
  | { kind: 'reasoning'; text: string; event: AgentLogEvent; subagent: string | undefined }
  | TranscriptTool
  /** A result whose call is not in the log (e.g. an import that started mid-session). */
  | { kind: 'orphan_result'; result: ToolResultEvent; subagent: string | undefined }
  | { kind: 'notice'; level: 'info' | 'warning' | 'error'; text: string; event: AgentLogEvent | null };

export interface TranscriptUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
  /** Sum of the costs the provider reported; null when none did. */
  cost_usd: number | null;
}

export interface Transcript {
  sessionId: string | null;
  provider: string | null;
  providerSessionId: string | null;
  /** The first user prompt, on one line and shortened; null when the session has none. */
  title: string | null;
  models: string[];
  cwd: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** From the first event to the last. */
  durationMs: number | null;
  /** How the session ended, null when the log has no session_ended. */
  outcome: { success: boolean; error: string | null } | null;
  items: TranscriptItem[];
  /** The tool calls, in call order (also among `items`). */
  tools: TranscriptTool[];
  usage: TranscriptUsage;
  eventCount: number;
}

const TITLE_MAX = 80;

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function timeOf(ts: string | undefined): number | null {
  if (!ts) return null;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? null : t;
}

function subagentOfIds(...ids: (string | null | undefined)[]): string | undefined {
  for (const id of ids) {
    const agent = subagentOf(id);
    if (agent) return agent;
  }
  return undefined;
}

/** What a user reads of a `user_event`, `permission`, ... (null: not shown in the conversation). */
function noticeOf(ev: AgentLogEvent): { level: 'info' | 'warning' | 'error'; text: string } | null {
  if (!isKnownEventType(ev.type)) return null;
  switch (ev.type) {
    case 'permission':
      return { level: ev.granted ? 'info' : 'warning', text: `Permission ${ev.granted ? 'granted' : 'denied'} for ${ev.tool_name}: ${ev.description}` };
    case 'stderr':
      return { level: 'warning', text: `stderr: ${ev.message}` };
    case 'parse_warning':
      return { level: 'warning', text: `Parse warning: ${ev.message}` };
    case 'session_cleared':
      return { level: 'info', text: `Session cleared (${ev.old_session_id ?? '?'} → ${ev.new_session_id ?? '?'})` };
    case 'session_result':
      return { level: 'info', text: `Result: ${ev.result}` };
    case 'user_event':
      return { level: ev.level === 'error' ? 'error' : ev.level === 'warn' || ev.level === 'warning' ? 'warning' : 'info', text: `[${ev.level}] ${ev.message}` };
    case 'usage_limit_hit':
      return { level: 'warning', text: `Usage limit hit (${ev.scope})${ev.reset_at ? `, resets ${ev.reset_at}` : ''}` };
    case 'usage_limit_resumed':
      return { level: 'info', text: `Resumed after the usage limit: ${ev.resume_message}` };
    case 'usage_limit_resume_failed':
      return { level: 'error', text: `Resume after the usage limit failed: ${ev.error}` };
    case 'session_ended':
      return ev.success ? null : { level: 'error', text: `Session failed${ev.error ? `: ${ev.error}` : ''}` };
    default:
      return null;
  }
}

/**
 * Arranges a session's events for reading. `skipped` lines (damaged lines the
 * reader dropped) become warnings at the end, so a transcript never hides that
 * it is incomplete.
 */
export function buildTranscript(events: Iterable<AgentLogEvent>, skipped: readonly string[] = []): Transcript {
  const t: Transcript = {
    sessionId: null,
    provider: null,
    providerSessionId: null,
    title: null,
    models: [],
    cwd: null,
    startedAt: null,
    endedAt: null,
    durationMs: null,
    outcome: null,
    items: [],
    tools: [],
    usage: { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_creation_tokens: 0, cost_usd: null },
    eventCount: 0,
  };
  // Calls waiting for their result, by tool id; a result without an id answers the oldest call of its tool.
  const openById = new Map<string, TranscriptTool>();
  const openInOrder: TranscriptTool[] = [];
  let first: number | null = null;
  let last: number | null = null;

  const close = (tool: TranscriptTool, result: ToolResultEvent): void => {
    tool.result = result;
    const a = timeOf(tool.call.ts);
    const b = timeOf(result.ts);
    tool.durationMs = a !== null && b !== null ? Math.max(0, b - a) : null;
    tool.ok = resultOk(result);
    openInOrder.splice(openInOrder.indexOf(tool), 1);
    if (tool.call.tool_id) openById.delete(tool.call.tool_id);
  };

  for (const ev of events) {
    t.eventCount++;
    t.sessionId ??= ev.wrapper_session_id;
    t.provider ??= ev.provider;
    t.providerSessionId ??= ev.provider_session_id;
    const at = timeOf(ev.ts);
    if (at !== null) {
      if (first === null || at < first) {
        first = at;
        t.startedAt = ev.ts;
      }
      if (last === null || at >= last) {
        last = at;
        t.endedAt = ev.ts;
      }
    }
    if (!isKnownEventType(ev.type)) continue;
    switch (ev.type) {
      case 'session_started':
        if (ev.model && !t.models.includes(ev.model)) t.models.push(ev.model);
        t.cwd ??= ev.cwd;
        break;
      case 'user_message': {
        const subagent = subagentOfIds(ev.message_id);
        if (t.title === null && ev.role === 'user' && !subagent && ev.content.trim() !== '') t.title = shorten(ev.content, TITLE_MAX);
        t.items.push({ kind: 'message', role: ev.role, text: ev.content, event: ev, subagent });
        break;
      }
      case 'assistant_message':
        t.items.push({ kind: 'message', role: 'assistant', text: ev.content, event: ev, subagent: subagentOfIds(ev.message_id) });
        break;
      case 'reasoning':
        t.items.push({ kind: 'reasoning', text: ev.content, event: ev, subagent: subagentOfIds(ev.message_id) });
        break;
      case 'tool_call': {
        const tool: TranscriptTool = {
          kind: 'tool',
          number: t.tools.length + 1,
          call: ev,
          result: null,
          durationMs: null,
          ok: null,
          subagent: subagentOfIds(ev.tool_id),
        };
        t.tools.push(tool);
        t.items.push(tool);
        openInOrder.push(tool);
        if (ev.tool_id) openById.set(ev.tool_id, tool);
        break;
      }
      case 'tool_result': {
        const tool = ev.tool_id
          ? openById.get(ev.tool_id)
          : openInOrder.find((c) => !c.call.tool_id && (ev.tool_name == null || c.call.tool_name === ev.tool_name));
        if (tool) close(tool, ev);
        else t.items.push({ kind: 'orphan_result', result: ev, subagent: subagentOfIds(ev.tool_id) });
        break;
      }
      case 'usage': {
        const u = t.usage;
        u.input_tokens += ev.input_tokens;
        u.output_tokens += ev.output_tokens;
        u.cache_read_tokens += ev.cache_read_tokens ?? 0;
        u.cache_creation_tokens += ev.cache_creation_tokens ?? 0;
        if (ev.total_cost_usd != null) u.cost_usd = (u.cost_usd ?? 0) + ev.total_cost_usd;
        const model = (ev as { model?: unknown }).model;
        if (typeof model === 'string' && model !== '' && !t.models.includes(model)) t.models.push(model);
        break;
      }
      case 'session_ended':
        t.outcome = { success: ev.success, error: ev.error };
        break;
      default:
        break;
    }
    const notice = noticeOf(ev);
    if (notice) t.items.push({ kind: 'notice', ...notice, event: ev });
  }
  for (const line of skipped) t.items.push({ kind: 'notice', level: 'warning', text: `Skipped a damaged log line: ${line}`, event: null });
  t.durationMs = first !== null && last !== null ? last - first : null;
  return t;
}

/** false when a result says it failed (success false, or an error without success), null when it does not say. */
export function resultOk(result: ToolResultEvent): boolean | null {
  if (result.success !== null) return result.success;
  return result.error != null ? false : null;
}

/** `850 ms`, `1.2 s`, `2 min 5 s`, `1 h 3 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  const m = Math.round(s / 60);
  if (m < 24 * 60) return `${Math.floor(m / 60)} h ${m % 60} min`;
  return `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}

/** The keys whose value best says what a tool call does. */
const INPUT_KEYS = ['command', 'cmd', 'file_path', 'path', 'pattern', 'query', 'url', 'script', 'prompt', 'description'];

/** One line saying what a tool call did: its command, path, pattern... */
export function toolCallSummary(input: unknown): string {
  if (input === null || input === undefined) return '';
  if (typeof input === 'string') return input;
  if (typeof input === 'object' && !Array.isArray(input)) {
    const o = input as Record<string, unknown>;
    for (const key of INPUT_KEYS) {
      const v = o[key];
      if (typeof v === 'string') return v;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(' ');
    }
  }
  const json = JSON.stringify(input);
  return json === '{}' ? '' : json;
}

/** A tool call's input as text: a string as is, anything else as indented JSON. */
export function toolInputText(input: unknown): string {
  if (input === null || input === undefined) return '';
  return typeof input === 'string' ? input : JSON.stringify(input, null, 2);
}

/** A result's text: its output, or its error. */
export function toolResultText(result: ToolResultEvent): string {
  const parts = [result.output, result.error].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.join('\n');
}

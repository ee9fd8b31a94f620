import { subagentOf } from '../providers/shared/index.js';
import { isKnownEventType, serializeLogEvent, type AgentLogEvent, type LogEventKind } from '../schema/index.js';
import type { Paint, Style } from './style.js';
import { inert } from './inert.js';

/** Text on one line, at most `max` characters (newlines shown as ⏎, other control characters as escapes: see inert.ts). */
export function clip(text: string, max: number): string {
  const flat = inert(text.replace(/\r?\n/g, ' ⏎ ').replace(/\s+/g, ' ').trim());
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(1, max - 1))}…`;
}

/** Local wall-clock time of an RFC 3339 timestamp, `YYYY-MM-DD HH:MM:SS`; the raw text if unparsable. */
export function formatDateTime(ts: string | null | undefined): string {
  if (!ts) return '-';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts.slice(0, 19);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `HH:MM:SS` of a timestamp (local time). */
export function formatTime(ts: string): string {
  const full = formatDateTime(ts);
  return full.length === 19 ? full.slice(11) : full;
}

/** The keys whose value best says what a tool call does, in zag's order. */
const INPUT_KEYS = ['command', 'file_path', 'path', 'pattern', 'query', 'url', 'script', 'content', 'prompt', 'description'];

function summarizeInput(input: unknown): string {
  if (input === null || input === undefined) return '';
  if (typeof input === 'object' && !Array.isArray(input)) {
    const o = input as Record<string, unknown>;
    for (const key of INPUT_KEYS) if (typeof o[key] === 'string') return o[key] as string;
  }
  if (typeof input === 'string') return input;
  const json = JSON.stringify(input);
  return json === '{}' ? '' : json;
}

function usageText(e: Extract<LogEventKind, { type: 'usage' }>): string {
  const parts = [`${e.input_tokens} in / ${e.output_tokens} out`];
  if (e.cache_read_tokens) parts.push(`${e.cache_read_tokens} cache read`);
  if (e.cache_creation_tokens) parts.push(`${e.cache_creation_tokens} cache write`);
  if (e.total_cost_usd != null) parts.push(`$${e.total_cost_usd.toFixed(4)}`);
  return parts.join(', ');
}

/** What a person needs to know about an event, in a few words. */
export function summarizeEvent(ev: AgentLogEvent): string {
  if (!isKnownEventType(ev.type)) {
    const { seq, ts, provider, wrapper_session_id, provider_session_id, source_kind, completeness, type, ...rest } =
      ev as unknown as Record<string, unknown>;
    void [seq, ts, provider, wrapper_session_id, provider_session_id, source_kind, completeness, type];
    return `(unknown type) ${JSON.stringify(rest)}`;
  }
  const e = ev as LogEventKind;
  switch (e.type) {
    case 'session_started': {
      const bits = [e.command];
      if (e.model) bits.push(`model ${e.model}`);
      if (e.cwd) bits.push(`in ${e.cwd}`);
      if (e.resumed) bits.push('resumed');
      if (e.backfilled) bits.push('imported');
      return bits.join(', ');
    }
    case 'user_message':
      return e.role === 'user' ? e.content : `${e.role}: ${e.content}`;
    case 'assistant_message':
    case 'reasoning':
      return e.content;
    case 'tool_call': {
      const what = summarizeInput(e.input);
      return what ? `${e.tool_name}: ${what}` : e.tool_name;
    }
    case 'tool_result': {
      const mark = e.success === false || (e.error != null && e.success !== true) ? '✗' : '✓';
      const detail = e.error ?? e.output ?? '';
      return `${mark} ${e.tool_name ?? e.tool_id ?? 'tool'}${detail ? `: ${detail}` : ''}`;
    }
    case 'permission':
      return `${e.tool_name} ${e.granted ? 'granted' : 'denied'}: ${e.description}`;
    case 'provider_status':
    case 'stderr':
    case 'parse_warning':
      return e.message;
    case 'session_cleared':
      return `${e.old_session_id ?? '?'} → ${e.new_session_id ?? '?'}`;
    case 'session_ended':
      return e.success ? 'completed' : `failed${e.error ? `: ${e.error}` : ''}`;
    case 'session_result':
      return e.result;
    case 'heartbeat':
      return e.interval_secs != null ? `alive (every ${e.interval_secs}s)` : 'alive';
    case 'usage':
      return usageText(e);
    case 'user_event':
      return `[${e.level}] ${e.message}`;
    case 'usage_limit_hit':
      return `${e.scope} limit hit${e.reset_at ? `, resets ${e.reset_at}` : ''}${e.fallback_used ? ', fallback used' : ''} (${e.incident_id})`;
    case 'usage_limit_resumed':
      return `resumed, attempt ${e.attempt}: ${e.resume_message}`;
    case 'usage_limit_resume_failed':
      return `resume failed, attempt ${e.attempt}: ${e.error}`;
  }
}

function typeStyle(type: string): Style {
  if (type === 'user_message') return 'blue';
  if (type === 'assistant_message') return 'green';
  if (type.startsWith('tool_') || type === 'permission') return 'yellow';
  if (type === 'stderr' || type === 'parse_warning' || type.startsWith('usage_limit')) return 'red';
  if (type.startsWith('session_')) return 'magenta';
  return 'cyan';
}

/** Which sub-agent an event came from, if it is marked as one. */
function subagentOfEvent(ev: AgentLogEvent): string | undefined {
  const o = ev as unknown as Record<string, unknown>;
  for (const key of ['message_id', 'tool_id']) {
    const id = subagentOf(typeof o[key] === 'string' ? (o[key] as string) : undefined);
    if (id) return id;
  }
  const data = o.data;
  if (ev.type === 'provider_status' && data && typeof data === 'object' && 'subagent_id' in data) {
    return String((data as { subagent_id: unknown }).subagent_id);
  }
  return undefined;
}

export interface EventLineOptions {
  /** Show the date with the time (for a session that spans days). */
  dates?: boolean;
  /** The whole text, over as many lines as it takes, instead of one line cut to `width`. */
  full?: boolean;
}

/**
 * One line per event: seq, time, type and a short summary, cut to `width`
 * columns; with `full`, the whole text, its further lines indented under it.
 */
export function formatEventLine(ev: AgentLogEvent, paint: Paint, width = 120, options: EventLineOptions = {}): string {
  const seq = String(ev.seq).padStart(5);
  const time = options.dates ? formatDateTime(ev.ts) : formatTime(ev.ts);
  const type = inert(ev.type).padEnd(19);
  const agent = subagentOfEvent(ev);
  const prefix = agent ? `[sub-agent ${agent.slice(0, 12)}] ` : '';
  const head = `${paint('dim', seq)} ${paint('dim', time)} ${paint(typeStyle(ev.type), type)} `;
  if (options.full) {
    const indent = ' '.repeat(seq.length + time.length + type.length + 3);
    const text = inert((prefix + summarizeEvent(ev)).replace(/\r\n?/g, '\n'), { keepLayout: true }).replace(/\s+$/, '');
    return head + text.split('\n').join(`\n${indent}`);
  }
  const room = Math.max(20, width - (seq.length + time.length + 19 + 3));
  return head + clip(prefix + summarizeEvent(ev), room);
}

/** An event as its log line (zag's exact form for known types), for `--json` output. */
export function eventJson(ev: AgentLogEvent): string {
  return isKnownEventType(ev.type) ? serializeLogEvent(ev) : JSON.stringify(ev);
}

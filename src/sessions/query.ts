import { SessionLogError } from '../errors.js';
import { isKnownEventType, isToolKind, LOG_EVENT_TYPES, TOOL_KINDS, type AgentLogEvent } from '../schema/index.js';
import { textPrefilter, typePrefilter } from './needle.js';
import { inRange, timeRange, type TimeRange } from './time-range.js';
import type { LinePrefilter, SessionInfo } from './types.js';

/** What `searchSessionLogs` looks for. Every field given must match (AND). */
export interface SessionSearchQuery {
  /** Text in any of the event's own string fields (not the envelope); literal unless `regex`. */
  text?: string;
  /** `text` is a regular expression (JavaScript syntax). */
  regex?: boolean;
  /** Default false: `text` matches ignoring case. */
  caseSensitive?: boolean;
  /** Provider name(s): claude, codex, gemini, copilot. */
  provider?: string | readonly string[];
  /** `user`: user_message events of that role; `assistant`: assistant_message events. */
  role?: 'user' | 'assistant';
  /** tool_call/tool_result events of this tool (exact name, case-insensitive). */
  toolName?: string;
  /** tool_call/tool_result events of this tool kind (shell, file_edit, …). */
  toolKind?: string;
  /** Only these event types. */
  types?: readonly string[];
  /** Events at or after this time: ISO date/time, Date, or a time ago (`1h`, `2d`, `3w`). */
  since?: string | Date;
  /** Events at or before this time (same forms as `since`). */
  until?: string | Date;
  /** Session id, provider session id, or a prefix of either. */
  session?: string;
}

export const PROVIDERS = ['claude', 'codex', 'gemini', 'copilot'] as const;
export const ROLES = ['user', 'assistant'] as const;

const ENVELOPE = new Set(['seq', 'ts', 'provider', 'wrapper_session_id', 'provider_session_id', 'source_kind', 'completeness', 'type']);

/** A query checked and compiled once for every event. */
export interface CompiledQuery {
  prefilter: LinePrefilter | null;
  range: TimeRange;
  session(info: SessionInfo): boolean;
  event(event: AgentLogEvent): boolean;
}

function invalid(message: string): never {
  throw new SessionLogError('ERR_INVALID_OPTION', message);
}

const asList = (v: string | readonly string[] | undefined): readonly string[] | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? [v] : v;

/** Validates a query (ERR_INVALID_OPTION naming the bad field) and compiles its matchers. */
export function compileQuery(query: SessionSearchQuery, now = Date.now()): CompiledQuery {
  const types = query.types ? [...query.types] : undefined;
  for (const t of types ?? []) if (!isKnownEventType(t)) invalid(`unknown event type '${t}' (one of ${LOG_EVENT_TYPES.join(', ')})`);
  const providers = asList(query.provider);
  if (query.role !== undefined && !(ROLES as readonly string[]).includes(query.role)) invalid(`role must be user or assistant, not '${query.role}'`);
  if (query.toolKind !== undefined && !isToolKind(query.toolKind)) {
    invalid(`unknown tool kind '${query.toolKind}' (one of ${TOOL_KINDS.join(', ')})`);
  }
  const range = timeRange(query.since, query.until, now);
  const text = textMatcher(query);
  const toolName = query.toolName?.toLowerCase();
  const role = query.role;
  const prefilter =
    (query.text !== undefined && !query.regex ? textPrefilter(query.text, query.caseSensitive === true) : null) ??
    (toolName !== undefined ? textPrefilter(toolName, false) : null) ??
    (types ? typePrefilter(types) : null) ??
    (role === 'assistant' ? typePrefilter(['assistant_message']) : role === 'user' ? typePrefilter(['user_message']) : null);
  const prefix = query.session;
  return {
    prefilter,
    range,
    session(info) {
      if (providers && !providers.includes(info.provider)) return false;
      if (prefix !== undefined) {
        const ids = [info.wrapper_session_id, info.provider_session_id ?? ''];
        if (!ids.some((id) => id !== '' && id.startsWith(prefix))) return false;
      }
      return true;
    },
    event(e) {
      if (types && !types.includes(e.type)) return false;
      if (providers && !providers.includes(e.provider)) return false;
      if (role === 'assistant' && e.type !== 'assistant_message') return false;
      if (role === 'user' && !(e.type === 'user_message' && e.role === 'user')) return false;
      if (toolName !== undefined || query.toolKind !== undefined) {
        if (e.type !== 'tool_call' && e.type !== 'tool_result') return false;
        if (toolName !== undefined && e.tool_name?.toLowerCase() !== toolName) return false;
        if (query.toolKind !== undefined && e.tool_kind !== query.toolKind) return false;
      }
      if (!inRange(range, e.ts)) return false;
      return text === null || anyString(e, text);
    },
  };
}

function textMatcher(query: SessionSearchQuery): ((s: string) => boolean) | null {
  const text = query.text;
  if (text === undefined || text === '') return null;
  const sensitive = query.caseSensitive === true;
  if (query.regex) {
    let re: RegExp;
    try {
      re = new RegExp(text, sensitive ? 'u' : 'iu');
    } catch (error) {
      invalid(`invalid regular expression '${text}': ${(error as Error).message}`);
    }
    return (s) => re.test(s);
  }
  if (sensitive) return (s) => s.includes(text);
  // Non-unicode `i` folds ASCII letters only, exactly what the raw-line prefilter does;
  // a text with non-ASCII letters gets full Unicode folding (and no prefilter).
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(escaped, /^[\x20-\x7e]*$/.test(text) ? 'i' : 'iu');
  return (s) => re.test(s);
}

/** True when any string in the event's own fields (nested ones too) matches. */
function anyString(event: AgentLogEvent, test: (s: string) => boolean): boolean {
  for (const [k, v] of Object.entries(event)) {
    if (ENVELOPE.has(k)) continue;
    if (valueMatches(v, test)) return true;
  }
  return false;
}

function valueMatches(v: unknown, test: (s: string) => boolean): boolean {
  if (typeof v === 'string') return test(v);
  if (Array.isArray(v)) return v.some((x) => valueMatches(x, test));
  if (v !== null && typeof v === 'object') return Object.values(v).some((x) => valueMatches(x, test));
  return false;
}

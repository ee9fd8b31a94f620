import { parseLogEvent, serializeLogEvent, type AgentLogEvent } from '../schema/index.js';

/** One row of `events`, as this library writes it. */
export interface EventRow {
  wrapper_session_id: string;
  seq: number;
  ts: string;
  type: string;
  provider: string;
  source_kind: string;
  tool_name: string | null;
  model: string | null;
  /** The event's JSON text (wire order), ready for `::jsonb`. */
  json: string;
}

/**
 * jsonb cannot hold U+0000 (`\u0000` in JSON text is rejected), so it is
 * stored as U+FFFD; everything else is stored as written. An escaped
 * backslash before `u0000` is left alone.
 */
export function jsonbSafe(json: string): string {
  if (!json.includes('\\u0000')) return json;
  return json.replace(/(^|[^\\])((?:\\\\)*)\\u0000/g, '$1$2\\ufffd');
}

export function eventRow(event: AgentLogEvent, json?: string): EventRow {
  const e = event as AgentLogEvent & { tool_name?: unknown; model?: unknown };
  return {
    wrapper_session_id: event.wrapper_session_id,
    seq: event.seq,
    ts: event.ts,
    type: event.type,
    provider: event.provider,
    source_kind: event.source_kind,
    tool_name: typeof e.tool_name === 'string' ? e.tool_name : null,
    model: typeof e.model === 'string' ? e.model : null,
    json: jsonbSafe(json ?? serializeLogEvent(event)),
  };
}

/** COPY text format: backslash, tab, newline and CR are escaped; `\N` is NULL. */
function copyField(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, copyEscape) : v;
}

function copyEscape(c: string): string {
  return c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r';
}

/** The COPY columns, in the order {@link copyLine} writes them. */
export const COPY_COLUMNS = 'machine, wrapper_session_id, seq, ts, type, provider, source_kind, tool_name, model, event';

export function copyLine(machine: string, r: EventRow): string {
  return (
    `${copyField(machine)}\t${copyField(r.wrapper_session_id)}\t${r.seq}\t${r.ts}\t${copyField(r.type)}\t` +
    `${copyField(r.provider)}\t${copyField(r.source_kind)}\t${copyField(r.tool_name)}\t${copyField(r.model)}\t${copyField(r.json)}\n`
  );
}

export type RowParse = { ok: true; event: AgentLogEvent } | { ok: false; reason: string };

/** A jsonb value read back: validated like a log line, never trusted. */
export function eventOfRow(value: unknown): RowParse {
  const parsed = parseLogEvent(value);
  return parsed.ok ? { ok: true, event: parsed.event } : { ok: false, reason: parsed.error.replace(/\s*\n\s*/g, '; ') };
}

import type { LogEventInput, ToolKind } from '../../schema/index.js';
import { shortText } from './classify.js';
import type { ClaudeLimit } from './usage-limits.js';

export type ClaudeRecord = Record<string, unknown>;

export interface ToolInfo {
  name: string;
  kind: ToolKind;
}

/** What the record mappers need from the parser: an output, and session-wide state. */
export interface MapContext {
  /** Adds an event produced by `record` (sub-agent marking is applied here). */
  emit(event: LogEventInput, record: ClaudeRecord): void;
  /** tool_use id → name/kind, so a tool_result can name its tool. */
  readonly tools: Map<string, ToolInfo>;
  /** Reports an unknown record or block type once. */
  unknown(type: string, rawLine: string): void;
  /** The first real model seen. */
  noteModel(model: string): void;
  /** A deterministic incident id (live and backfill must agree). */
  incidentId(record: ClaudeRecord): string;
}

/** A provider_status for user-side text that is not a prompt. */
export function textStatus(kind: string, text: string, extra?: object): LogEventInput {
  return {
    type: 'provider_status',
    message: `${kind}: ${shortText(text)}`,
    data: { kind, content: text, ...extra },
  };
}

export function limitEvent(ctx: MapContext, record: ClaudeRecord, limit: ClaudeLimit): LogEventInput {
  return {
    type: 'usage_limit_hit',
    provider: 'claude',
    scope: limit.scope,
    ...(limit.resetAt ? { reset_at: limit.resetAt } : {}),
    fallback_used: false,
    incident_id: ctx.incidentId(record),
    raw: limit.raw,
  };
}

const ENVELOPE_KEYS = new Set([
  'type',
  'parentUuid',
  'isSidechain',
  'userType',
  'cwd',
  'sessionId',
  'session_id',
  'version',
  'gitBranch',
  'slug',
  'entrypoint',
]);

/** A record without the envelope fields every line repeats, for provider_status data. */
export function withoutEnvelope(record: ClaudeRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in record) {
    if (!ENVELOPE_KEYS.has(key)) out[key] = record[key];
  }
  return out;
}

import type { z } from 'zod';
import { TOOL_KINDS, isToolKind } from './enums.js';
import { asF64, checked, def, json, nul, omit, req, shapeOf, skip, uint, type FieldTable } from './fields.js';
import { lazy, zod } from './lazy.js';

const str = () => checked(() => zod().string(), (v) => typeof v === 'string');
const bool = () => checked(() => zod().boolean(), (v) => typeof v === 'boolean');
const finite = () => checked(() => zod().number(), (v) => typeof v === 'number' && Number.isFinite(v));
const toolKind = () => checked(() => zod().enum(TOOL_KINDS), isToolKind);

/**
 * The 19 event kinds, each an ordered field table. Key order here is the
 * order zag's serde derive writes, and it is the order the serializer writes.
 */
export const KIND_FIELDS = {
  session_started: {
    command: req(str()),
    model: nul(str()),
    cwd: nul(str()),
    resumed: req(bool()),
    backfilled: req(bool()),
  },
  user_message: { role: req(str()), content: req(str()), message_id: nul(str()) },
  assistant_message: { content: req(str()), message_id: nul(str()) },
  reasoning: { content: req(str()), message_id: nul(str()) },
  tool_call: {
    tool_name: req(str()),
    tool_kind: omit(toolKind()),
    tool_id: nul(str()),
    input: nul(json()),
  },
  tool_result: {
    tool_name: nul(str()),
    tool_kind: omit(toolKind()),
    tool_id: nul(str()),
    success: nul(bool()),
    output: nul(str()),
    error: nul(str()),
    data: nul(json()),
  },
  permission: { tool_name: req(str()), description: req(str()), granted: req(bool()) },
  provider_status: { message: req(str()), data: nul(json()) },
  stderr: { message: req(str()) },
  parse_warning: { message: req(str()), raw: nul(str()) },
  session_cleared: { old_session_id: nul(str()), new_session_id: nul(str()) },
  session_ended: { success: req(bool()), error: nul(str()) },
  session_result: { result: req(str()) },
  heartbeat: { interval_secs: nul(uint()) },
  usage: {
    input_tokens: req(uint()),
    output_tokens: req(uint()),
    cache_read_tokens: omit(uint()),
    cache_creation_tokens: omit(uint()),
    total_cost_usd: asF64(omit(finite())),
    // Ours, not zag's: zag's `Usage` variant has no deny_unknown_fields, so its reader ignores it.
    model: omit(str()),
  },
  user_event: { level: req(str()), message: req(str()), data: omit(json()) },
  usage_limit_hit: {
    provider: skip(str()),
    scope: req(str()),
    reset_at: omit(str()),
    scheduled_resume_at: omit(str()),
    fallback_used: def(bool(), false),
    incident_id: req(str()),
    raw: omit(json()),
  },
  usage_limit_resumed: { incident_id: req(str()), resume_message: req(str()), attempt: def(uint(), 1) },
  usage_limit_resume_failed: { incident_id: req(str()), error: req(str()), attempt: def(uint(), 1) },
} as const satisfies Record<string, FieldTable>;

type KindTables = typeof KIND_FIELDS;
export type LogEventType = keyof KindTables;

export const LOG_EVENT_TYPES = Object.keys(KIND_FIELDS) as LogEventType[];

const KNOWN_TYPES: ReadonlySet<string> = new Set(LOG_EVENT_TYPES);

/** True for the 19 event types this version knows. */
export function isKnownEventType(type: string): type is LogEventType {
  return KNOWN_TYPES.has(type);
}

function kindSchema<T extends LogEventType>(type: T) {
  return zod().object({ type: zod().literal(type), ...shapeOf(KIND_FIELDS[type]) });
}

function buildKindSchemas() {
  return {
    session_started: kindSchema('session_started'),
    user_message: kindSchema('user_message'),
    assistant_message: kindSchema('assistant_message'),
    reasoning: kindSchema('reasoning'),
    tool_call: kindSchema('tool_call'),
    tool_result: kindSchema('tool_result'),
    permission: kindSchema('permission'),
    provider_status: kindSchema('provider_status'),
    stderr: kindSchema('stderr'),
    parse_warning: kindSchema('parse_warning'),
    session_cleared: kindSchema('session_cleared'),
    session_ended: kindSchema('session_ended'),
    session_result: kindSchema('session_result'),
    heartbeat: kindSchema('heartbeat'),
    usage: kindSchema('usage'),
    user_event: kindSchema('user_event'),
    usage_limit_hit: kindSchema('usage_limit_hit'),
    usage_limit_resumed: kindSchema('usage_limit_resumed'),
    usage_limit_resume_failed: kindSchema('usage_limit_resume_failed'),
  } as const;
}

let kindSchemas: ReturnType<typeof buildKindSchemas> | undefined;
/** The kinds' zod schemas, built (and zod loaded) on first use. */
export const kindSchemasNow = (): ReturnType<typeof buildKindSchemas> => (kindSchemas ??= buildKindSchemas());

/** The zod schema of each kind, by `type` (built on first use). */
export const KIND_SCHEMAS = lazy(kindSchemasNow);

function buildKindUnion() {
  const k = kindSchemasNow();
  return zod().discriminatedUnion('type', [
    k.session_started,
    k.user_message,
    k.assistant_message,
    k.reasoning,
    k.tool_call,
    k.tool_result,
    k.permission,
    k.provider_status,
    k.stderr,
    k.parse_warning,
    k.session_cleared,
    k.session_ended,
    k.session_result,
    k.heartbeat,
    k.usage,
    k.user_event,
    k.usage_limit_hit,
    k.usage_limit_resumed,
    k.usage_limit_resume_failed,
  ]);
}

let kindUnion: ReturnType<typeof buildKindUnion> | undefined;
export const kindUnionNow = (): ReturnType<typeof buildKindUnion> => (kindUnion ??= buildKindUnion());

/** Discriminated union (on `type`) of the 19 event kinds, as read back (built on first use). */
export const LogEventKindSchema = lazy(kindUnionNow);

/** An event kind as read back: `null` fields are `null`, defaults are filled in. */
export type LogEventKind = z.output<typeof LogEventKindSchema>;

/** What `emit` takes: fields written as `null` or left out may be omitted. */
export type LogEventInput = z.input<typeof LogEventKindSchema>;

/** The kind of one `type`, e.g. `LogEventOf<'tool_call'>`. */
export type LogEventOf<T extends LogEventType> = Extract<LogEventKind, { type: T }>;
/** The input form of one `type`, e.g. `LogEventInputOf<'usage'>`. */
export type LogEventInputOf<T extends LogEventType> = Extract<LogEventInput, { type: T }>;

import { z } from 'zod';
import { LogCompletenessSchema, LogSourceKindSchema } from './enums.js';
import { KIND_SCHEMAS, LogEventKindSchema, isKnownEventType, type LogEventKind } from './kinds.js';

/** The envelope keys, in the order they are written. */
export const EnvelopeSchema = z.object({
  seq: z.number().int().nonnegative(),
  ts: z.string(),
  provider: z.string(),
  wrapper_session_id: z.string(),
  provider_session_id: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  source_kind: LogSourceKindSchema,
  completeness: LogCompletenessSchema,
});
export type LogEnvelope = z.output<typeof EnvelopeSchema>;

/**
 * One line of a session log. `type` narrows the kind's fields.
 * Lines of a `type` this version does not know are passed through unchanged
 * by the readers; check {@link isKnownEventType} before relying on the fields.
 */
export type AgentLogEvent = LogEnvelope & LogEventKind;

const KnownEventSchema = z.intersection(EnvelopeSchema, LogEventKindSchema);
const UnknownEventSchema = z.looseObject({
  ...EnvelopeSchema.shape,
  type: z.string().refine((t) => !isKnownEventType(t), 'known type with invalid fields'),
});

/** Validates one parsed line: a known event kind, or any line of an unknown `type`. */
export const AgentLogEventSchema: z.ZodType<AgentLogEvent, unknown> = z.union([
  KnownEventSchema,
  UnknownEventSchema,
]) as unknown as z.ZodType<AgentLogEvent, unknown>;

export type ParseEventResult = { ok: true; event: AgentLogEvent } | { ok: false; error: string };

/**
 * Fast path for readers: validate a `JSON.parse`d line by looking its kind up
 * directly instead of trying every member of the union.
 */
export function parseLogEvent(value: unknown): ParseEventResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'not a JSON object' };
  }
  const env = EnvelopeSchema.safeParse(value);
  if (!env.success) return { ok: false, error: z.prettifyError(env.error) };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, error: 'missing "type"' };
  if (!isKnownEventType(type)) {
    return { ok: true, event: value as AgentLogEvent };
  }
  const kind = KIND_SCHEMAS[type].safeParse(value);
  if (!kind.success) return { ok: false, error: z.prettifyError(kind.error) };
  return { ok: true, event: { ...env.data, ...kind.data } as AgentLogEvent };
}

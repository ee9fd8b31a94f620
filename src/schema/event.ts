import type { z } from 'zod';
import { LOG_COMPLETENESS_VALUES, LOG_SOURCE_KINDS, isLogCompleteness, isLogSourceKind } from './enums.js';
import { isKnownEventType, kindSchemasNow, kindUnionNow, type LogEventKind } from './kinds.js';
import { lazy, zod } from './lazy.js';
import { normalizeFast } from './normalize.js';

function buildEnvelope() {
  const z = zod();
  return z.object({
    seq: z.number().int().nonnegative(),
    ts: z.string(),
    provider: z.string(),
    wrapper_session_id: z.string(),
    provider_session_id: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    source_kind: z.enum(LOG_SOURCE_KINDS),
    completeness: z.enum(LOG_COMPLETENESS_VALUES),
  });
}

let envelope: ReturnType<typeof buildEnvelope> | undefined;
const envelopeNow = (): ReturnType<typeof buildEnvelope> => (envelope ??= buildEnvelope());

/** The envelope keys, in the order they are written (built on first use). */
export const EnvelopeSchema = lazy(envelopeNow);
export type LogEnvelope = z.output<ReturnType<typeof buildEnvelope>>;

/**
 * One line of a session log. `type` narrows the kind's fields.
 * Lines of a `type` this version does not know are passed through unchanged
 * by the readers; check {@link isKnownEventType} before relying on the fields.
 */
export type AgentLogEvent = LogEnvelope & LogEventKind;

/** Validates one parsed line: a known event kind, or any line of an unknown `type` (built on first use). */
export const AgentLogEventSchema: z.ZodType<AgentLogEvent, unknown> = lazy(() => {
  const z = zod();
  const known = z.intersection(envelopeNow(), kindUnionNow());
  const unknown = z.looseObject({
    ...envelopeNow().shape,
    type: z.string().refine((t) => !isKnownEventType(t), 'known type with invalid fields'),
  });
  return z.union([known, unknown]) as unknown as z.ZodType<AgentLogEvent, unknown>;
});

export type ParseEventResult = { ok: true; event: AgentLogEvent } | { ok: false; error: string };

/** The envelope zod would give for `value`, by plain checks; undefined when zod must decide. */
function envelopeFast(value: Record<string, unknown>): LogEnvelope | undefined {
  const { seq, ts, provider, wrapper_session_id, provider_session_id, source_kind, completeness } = value;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || Object.is(seq, -0)) return undefined;
  if (typeof ts !== 'string' || typeof provider !== 'string' || typeof wrapper_session_id !== 'string') return undefined;
  if (provider_session_id !== undefined && provider_session_id !== null && typeof provider_session_id !== 'string') {
    return undefined;
  }
  if (!isLogSourceKind(source_kind) || !isLogCompleteness(completeness)) return undefined;
  return {
    seq,
    ts,
    provider,
    wrapper_session_id,
    provider_session_id: provider_session_id ?? null,
    source_kind,
    completeness,
  };
}

/**
 * Fast path for readers: validate a `JSON.parse`d line by looking its kind up
 * directly instead of trying every member of the union. Valid lines are
 * checked with the plain field tests; zod (loaded then) decides the rest and
 * words the error.
 */
export function parseLogEvent(value: unknown): ParseEventResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  let env = envelopeFast(record);
  if (env === undefined) {
    const parsed = envelopeNow().safeParse(value);
    if (!parsed.success) return { ok: false, error: zod().prettifyError(parsed.error) };
    env = parsed.data;
  }
  const type = record.type;
  if (typeof type !== 'string') return { ok: false, error: 'missing "type"' };
  if (!isKnownEventType(type)) {
    return { ok: true, event: value as AgentLogEvent };
  }
  const fast = normalizeFast(type, record);
  if (fast !== undefined) return { ok: true, event: { ...env, ...fast } as AgentLogEvent };
  const kind = kindSchemasNow()[type].safeParse(value);
  if (!kind.success) return { ok: false, error: zod().prettifyError(kind.error) };
  return { ok: true, event: { ...env, ...kind.data } as AgentLogEvent };
}

import { zod } from './lazy.js';
import { SessionLogError } from '../errors.js';
import type { LogCompleteness, LogSourceKind } from './enums.js';
import type { AgentLogEvent } from './event.js';
import { KIND_FIELDS, kindSchemasNow, isKnownEventType, type LogEventInput, type LogEventKind } from './kinds.js';
import type { FieldTable } from './fields.js';
import { normalizeFast } from './normalize.js';

export interface EnvelopeInput {
  seq: number;
  ts: string;
  provider: string;
  wrapper_session_id: string;
  provider_session_id: string | null;
  source_kind: LogSourceKind;
  completeness: LogCompleteness;
}

/**
 * Validates an event input and returns its normalized kind (nulls and defaults
 * filled in). Throws `ERR_INVALID_EVENT` with zod's message on bad input.
 */
export function normalizeEventInput(input: LogEventInput): LogEventKind {
  const type = (input as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !isKnownEventType(type)) {
    throw new SessionLogError('ERR_INVALID_EVENT', `unknown event type: ${JSON.stringify(type)}`);
  }
  const fast = normalizeFast(type, input);
  if (fast !== undefined) return fast;
  const parsed = kindSchemasNow()[type].safeParse(input);
  if (!parsed.success) {
    throw new SessionLogError(
      'ERR_INVALID_EVENT',
      `invalid ${type} event: ${zod().prettifyError(parsed.error)}`,
    );
  }
  return parsed.data as LogEventKind;
}

/** serde_json writes an integral f64 as `1.0`; JSON.stringify would write `1`. */
function formatF64(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  return JSON.stringify(value);
}

/**
 * The envelope's identity keys and the timestamp, as JSON, for the last
 * session and moment seen: a writer's events share them, and quoting them
 * anew for every line cost a quarter of serializing a small event.
 */
let idProvider: string | undefined;
let idWrapper: string | undefined;
let idProviderSession: string | null | undefined;
let idText = '';
let tsValue: string | undefined;
let tsText = '';

function identityText(env: EnvelopeInput): string {
  if (env.provider !== idProvider || env.wrapper_session_id !== idWrapper || env.provider_session_id !== idProviderSession) {
    idText =
      ',"provider":' +
      JSON.stringify(env.provider) +
      ',"wrapper_session_id":' +
      JSON.stringify(env.wrapper_session_id) +
      ',"provider_session_id":' +
      (env.provider_session_id === null ? 'null' : JSON.stringify(env.provider_session_id));
    idProvider = env.provider;
    idWrapper = env.wrapper_session_id;
    idProviderSession = env.provider_session_id;
  }
  return idText;
}

function timestampText(ts: string): string {
  if (ts !== tsValue) {
    tsText = JSON.stringify(ts);
    tsValue = ts;
  }
  return tsText;
}

/**
 * The exact line zag writes for an event (without the trailing newline):
 * envelope keys first, then `type` and the kind's fields in declaration order,
 * `null` for absent optional fields and nothing for skipped ones.
 */
export function serializeEvent(env: EnvelopeInput, kind: LogEventKind): string {
  let line =
    '{"seq":' +
    env.seq +
    ',"ts":' +
    timestampText(env.ts) +
    identityText(env) +
    ',"source_kind":"' +
    env.source_kind +
    '","completeness":"' +
    env.completeness +
    '","type":"' +
    kind.type +
    '"';
  const table: FieldTable = KIND_FIELDS[kind.type];
  const values = kind as unknown as Record<string, unknown>;
  for (const key in table) {
    const spec = table[key]!;
    if (spec.mode === 'skip') continue;
    const value = values[key];
    if (value === undefined || value === null) {
      if (spec.mode === 'omit') continue;
      line += ',"' + key + '":null';
      continue;
    }
    line +=
      ',"' +
      key +
      '":' +
      (spec.format === 'f64' && typeof value === 'number' ? formatF64(value) : JSON.stringify(value));
  }
  return line + '}';
}

/** Convenience: the line for a whole event object, e.g. one read back from a log. */
export function serializeLogEvent(event: AgentLogEvent): string {
  return serializeEvent(event, event);
}

import { z } from 'zod';
import { LogCompletenessSchema } from './enums.js';

const nullableString = () =>
  z
    .string()
    .nullish()
    .transform((v) => v ?? null);

/** One entry of `<logsDir>/index.json`, keys in zag's order. */
export const SessionLogIndexEntrySchema = z.object({
  wrapper_session_id: z.string(),
  provider: z.string(),
  provider_session_id: nullableString(),
  log_path: z.string(),
  completeness: LogCompletenessSchema,
  started_at: z.string(),
  ended_at: nullableString(),
  workspace_path: nullableString(),
  command: nullableString(),
  source_paths: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  backfilled: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});
export type SessionLogIndexEntry = z.output<typeof SessionLogIndexEntrySchema>;

export const SessionLogIndexSchema = z.object({
  sessions: z.array(SessionLogIndexEntrySchema),
});
export type SessionLogIndex = z.output<typeof SessionLogIndexSchema>;

/** One entry of `<base>/sessions_index.json`. */
export const GlobalSessionEntrySchema = z.object({
  session_id: z.string(),
  project: z.string(),
  log_path: z.string(),
  provider: z.string(),
  started_at: z.string(),
});
export type GlobalSessionEntry = z.output<typeof GlobalSessionEntrySchema>;

export const GlobalSessionIndexSchema = z.object({
  sessions: z.array(GlobalSessionEntrySchema),
});
export type GlobalSessionIndex = z.output<typeof GlobalSessionIndexSchema>;

/** Fingerprint of one source file, used to skip unchanged sessions without parsing them. */
export const SourceFingerprintSchema = z.object({
  size: z.number().nonnegative(),
  mtime_ms: z.number(),
  ino: z.number(),
});
export type SourceFingerprint = z.output<typeof SourceFingerprintSchema>;

/**
 * `<logsDir>/backfill_state.json`. `version` and `imported_session_keys` are
 * zag's; the rest is ours (zag ignores unknown keys), so it is optional and
 * unknown keys are kept.
 */
export const BackfillStateSchema = z.looseObject({
  version: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? 0),
  imported_session_keys: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  /** Per imported session key: the fingerprint of each of its source files when it was imported. */
  sources: z.record(z.string(), z.record(z.string(), SourceFingerprintSchema)).optional(),
  /**
   * Source files that were parsed but held no session (e.g. a transcript
   * without a session id): remembered so an unchanged one is not parsed again.
   */
  empty_sources: z.record(z.string(), SourceFingerprintSchema).optional(),
});
export type BackfillState = z.output<typeof BackfillStateSchema>;

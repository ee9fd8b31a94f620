import type { z } from 'zod';
import { LOG_COMPLETENESS_VALUES } from './enums.js';
import { lazy, zod } from './lazy.js';

/** The keys of an index.json entry, in zag's order (what the writers write and check against). */
export const INDEX_ENTRY_KEYS = [
  'wrapper_session_id',
  'provider',
  'provider_session_id',
  'log_path',
  'completeness',
  'started_at',
  'ended_at',
  'workspace_path',
  'command',
  'source_paths',
  'backfilled',
] as const;

/** The keys of a sessions_index.json entry, in zag's order. */
export const GLOBAL_ENTRY_KEYS = ['session_id', 'project', 'log_path', 'provider', 'started_at'] as const;

// Each schema is built on first use: see lazy.ts for why zod is not loaded at import.
function buildIndexSchemas() {
  const z = zod();
  const nullableString = () =>
    z
      .string()
      .nullish()
      .transform((v) => v ?? null);
  const entry = z.object({
    wrapper_session_id: z.string(),
    provider: z.string(),
    provider_session_id: nullableString(),
    log_path: z.string(),
    completeness: z.enum(LOG_COMPLETENESS_VALUES),
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
  const globalEntry = z.object({
    session_id: z.string(),
    project: z.string(),
    log_path: z.string(),
    provider: z.string(),
    started_at: z.string(),
  });
  const fingerprint = z.object({
    size: z.number().nonnegative(),
    mtime_ms: z.number(),
    ino: z.number(),
  });
  const state = z.looseObject({
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
    sources: z.record(z.string(), z.record(z.string(), fingerprint)).optional(),
    /**
     * Source files that were parsed but held no session (e.g. a transcript
     * without a session id): remembered so an unchanged one is not parsed again.
     */
    empty_sources: z.record(z.string(), fingerprint).optional(),
  });
  return {
    entry,
    index: z.object({ sessions: z.array(entry) }),
    globalEntry,
    globalIndex: z.object({ sessions: z.array(globalEntry) }),
    fingerprint,
    state,
  };
}

type IndexSchemas = ReturnType<typeof buildIndexSchemas>;
let schemas: IndexSchemas | undefined;
const now = (): IndexSchemas => (schemas ??= buildIndexSchemas());

/** One entry of `<logsDir>/index.json`, keys in zag's order. */
export const SessionLogIndexEntrySchema: IndexSchemas['entry'] = lazy(() => now().entry);
export type SessionLogIndexEntry = z.output<IndexSchemas['entry']>;

export const SessionLogIndexSchema: IndexSchemas['index'] = lazy(() => now().index);
export type SessionLogIndex = z.output<IndexSchemas['index']>;

/** One entry of `<base>/sessions_index.json`. */
export const GlobalSessionEntrySchema: IndexSchemas['globalEntry'] = lazy(() => now().globalEntry);
export type GlobalSessionEntry = z.output<IndexSchemas['globalEntry']>;

export const GlobalSessionIndexSchema: IndexSchemas['globalIndex'] = lazy(() => now().globalIndex);
export type GlobalSessionIndex = z.output<IndexSchemas['globalIndex']>;

/** Fingerprint of one source file, used to skip unchanged sessions without parsing them. */
export const SourceFingerprintSchema: IndexSchemas['fingerprint'] = lazy(() => now().fingerprint);
export type SourceFingerprint = z.output<IndexSchemas['fingerprint']>;

/**
 * `<logsDir>/backfill_state.json`. `version` and `imported_session_keys` are
 * zag's; the rest is ours (zag ignores unknown keys), so it is optional and
 * unknown keys are kept.
 */
export const BackfillStateSchema: IndexSchemas['state'] = lazy(() => now().state);
export type BackfillState = z.output<IndexSchemas['state']>;

import { lazy, zod } from './lazy.js';

export const LOG_SOURCE_KINDS = ['wrapper', 'provider_file', 'provider_log', 'stdout', 'stderr', 'backfill'] as const;
export type LogSourceKind = (typeof LOG_SOURCE_KINDS)[number];
export const LogSourceKindSchema = lazy(() => zod().enum(LOG_SOURCE_KINDS));

export const LOG_COMPLETENESS_VALUES = ['full', 'partial', 'metadata_only'] as const;
export type LogCompleteness = (typeof LOG_COMPLETENESS_VALUES)[number];
export const LogCompletenessSchema = lazy(() => zod().enum(LOG_COMPLETENESS_VALUES));

export const TOOL_KINDS = [
  'shell',
  'file_read',
  'file_write',
  'file_edit',
  'search',
  'sub_agent',
  'web',
  'notebook',
  'other',
] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];
export const ToolKindSchema = lazy(() => zod().enum(TOOL_KINDS));

const SOURCE_KIND_SET: ReadonlySet<unknown> = new Set(LOG_SOURCE_KINDS);
const COMPLETENESS_SET: ReadonlySet<unknown> = new Set(LOG_COMPLETENESS_VALUES);
const TOOL_KIND_SET: ReadonlySet<unknown> = new Set(TOOL_KINDS);

export const isLogSourceKind = (v: unknown): v is LogSourceKind => SOURCE_KIND_SET.has(v);
export const isLogCompleteness = (v: unknown): v is LogCompleteness => COMPLETENESS_SET.has(v);
export const isToolKind = (v: unknown): v is ToolKind => TOOL_KIND_SET.has(v);

const COMPLETENESS_RANK: Record<LogCompleteness, number> = {
  full: 3,
  partial: 2,
  metadata_only: 1,
};

/** Rank used to decide which completeness is "lower" (full > partial > metadata_only). */
export function completenessRank(c: LogCompleteness): number {
  return COMPLETENESS_RANK[c];
}

/** The lower of two completeness values. */
export function lowerCompleteness(a: LogCompleteness, b: LogCompleteness): LogCompleteness {
  return COMPLETENESS_RANK[b] < COMPLETENESS_RANK[a] ? b : a;
}

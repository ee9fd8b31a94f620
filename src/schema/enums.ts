import { z } from 'zod';

export const LogSourceKindSchema = z.enum([
  'wrapper',
  'provider_file',
  'provider_log',
  'stdout',
  'stderr',
  'backfill',
]);
export type LogSourceKind = z.infer<typeof LogSourceKindSchema>;

export const LogCompletenessSchema = z.enum(['full', 'partial', 'metadata_only']);
export type LogCompleteness = z.infer<typeof LogCompletenessSchema>;

export const ToolKindSchema = z.enum([
  'shell',
  'file_read',
  'file_write',
  'file_edit',
  'search',
  'sub_agent',
  'web',
  'notebook',
  'other',
]);
export type ToolKind = z.infer<typeof ToolKindSchema>;

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

import type { LogEventInputOf } from '../../schema/index.js';

/** A provider_status carrying the record's data (small records only; see shutdownSummary). */
export function statusEvent(message: string, data: unknown): LogEventInputOf<'provider_status'> {
  return { type: 'provider_status', message, data: data ?? null };
}

/**
 * `session.shutdown` repeats its metrics up to three times (top level,
 * `accountingSnapshot`, `providerModelMetrics`); keep one copy.
 */
export function shutdownSummary(data: Record<string, unknown>): Record<string, unknown> {
  const { accountingSnapshot: _a, providerModelMetrics: _p, usageAccountingWatermarks: _w, ...rest } = data;
  return rest;
}

export { searchSessionLogs, type SessionSearchMatch, type SearchSessionLogsOptions } from './search.js';
export type { SessionSearchQuery } from './query.js';
export { summarizeSession, type SessionSummary, type SessionError, type SummarizeSessionOptions } from './summary.js';
export {
  usageReport,
  USAGE_GROUPS,
  type UsageGroupBy,
  type UsageReport,
  type UsageReportOptions,
  type UsageReportRow,
} from './usage-report.js';
export type { UsageTotals } from './usage-tally.js';
export {
  BUNDLED_PRICES,
  findModelPrices,
  withPriceOverrides,
  type ModelPrices,
  type PriceTable,
  type TokenPrices,
} from './prices.js';
export type { LinePrefilter, ScopeOptions, SessionInfo, SessionLogStore, SessionSource, StoreFeedEvent } from './types.js';

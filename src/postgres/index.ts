/**
 * agent-session-log/postgres: sessions of many machines in one PostgreSQL
 * database. Needs the optional peer dependencies `pg` and `pg-copy-streams`.
 */
export { openPostgresStore, PostgresStore } from './store.js';
export type { PostgresStoreOptions, StoreTls, StoreWarning } from './options.js';
export type { MigrateResult } from './migrate.js';
export { MIGRATIONS, LATEST_VERSION, type Migration } from './migrations/index.js';
export { mirrorToStore, type MirrorOptions, type StoreMirror } from './mirror.js';
export { syncToStore, type SyncOptions, type SyncProgress, type SyncResult } from './sync.js';
export { allLogsDirs } from './log-source.js';
export type {
  ListSessionsQuery,
  ReadEventsOptions,
  StoreSearchQuery,
  StoreSearchHit,
  StoreSession,
  StoreUsageGroup,
  StoreUsageQuery,
  StoreUsageRow,
} from './queries.js';
export type { StoreEvent, StoreSubscribeOptions } from './subscribe.js';

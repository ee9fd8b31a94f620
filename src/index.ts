/**
 * agent-session-log: one normalized, provider-agnostic event log per AI
 * coding-agent session, wire-compatible with zag's `session_log`.
 */
export * from './errors.js';
export * from './schema/index.js';
export * from './tail/index.js';
export * from './read/index.js';
export * from './subscribe/index.js';
export * from './backfill/index.js';
export * from './writer/index.js';
export * from './index-files/index.js';
export * from './coordinator/index.js';
export * from './paths/index.js';
export * from './record/index.js';
export * from './providers/index.js';
export * from './sessions/index.js';
export * from './transcript/index.js';

export { SessionLogWriter, type LogEventListener } from './writer.js';
export { appendEventToLog, type AppendOptions } from './append.js';
export type { WriterOptions, FsyncPolicy } from './options.js';
export { isSafeSessionId, unsafeSessionIdReason, MAX_SESSION_ID_BYTES } from './safe-id.js';

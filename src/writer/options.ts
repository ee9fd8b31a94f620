import type { AgentLogEvent } from '../schema/event.js';
import type { LockOptions } from '../index-files/lock.js';
import { DEFAULT_FILE_MODE } from '../index-files/own-files.js';

/** When the log is fsync'ed. */
export type FsyncPolicy = 'never' | 'finish' | 'always';

/** Tuning for {@link SessionLogWriter.create}; every field has a default. */
export interface WriterOptions {
  /** Also record the session in `<dir>/sessions_index.json` (zag's global index). Default: none. */
  globalIndexDir?: string | null;
  /**
   * Default 'finish': `emit` has handed each line to the OS before it returns,
   * so a process crash loses nothing; one fsync at finish/close makes a
   * finished session survive a power cut without paying a disk flush per event.
   * 'always' fsyncs every line (slow); 'never' leaves it to the OS.
   */
  fsync?: FsyncPolicy;
  /**
   * Default false: the index is replaced by an atomic rename (readers never
   * see half a file) and can be rebuilt from the logs, so a disk flush per
   * index write buys little.
   */
  indexFsync?: boolean;
  /** Cross-process lock tuning for the index files and the log (owner start/stop). */
  lock?: LockOptions;
  /**
   * Default true: before each write, a 1-byte read at the expected end of
   * the file notices lines that a process outside the protocol (e.g. zag)
   * appended, and `seq` continues after theirs. Costs one pread per event;
   * turn off only if nothing else ever writes the log.
   */
  detectForeignAppends?: boolean;
  /**
   * Default 1 ms: the foreign-append check runs at most this often, so a burst
   * of events pays for one probe per millisecond, while events further apart
   * are each checked. 0 checks before every event.
   */
  foreignAppendCheckMs?: number;
  /**
   * Called when an `onLogEvent` subscriber throws or rejects. Default: a
   * process warning, so the fault is visible but the writer and the other
   * subscribers carry on.
   */
  onSubscriberError?: (error: unknown, event: AgentLogEvent) => void;
  /**
   * Default 0o600: the mode of the files created (the log, the index, the
   * global index); their folders get the matching 0o700. Logs hold prompts,
   * tool output and the secrets in them, so other local users get nothing by
   * default. 0o644 gives the old world-readable files (0o755 folders). The
   * process umask still applies; existing files keep their mode.
   */
  fileMode?: number;
}

export interface ResolvedWriterOptions {
  globalIndexDir: string | null;
  fsync: FsyncPolicy;
  indexFsync: boolean;
  lock: LockOptions;
  detectForeignAppends: boolean;
  foreignAppendCheckMs: number;
  onSubscriberError: (error: unknown, event: AgentLogEvent) => void;
  fileMode: number;
}

function defaultSubscriberError(error: unknown, event: AgentLogEvent): void {
  const msg = error instanceof Error ? error.message : String(error);
  process.emitWarning(`onLogEvent subscriber failed on seq ${event.seq}: ${msg}`, 'SessionLogWarning');
}

export function resolveWriterOptions(o: WriterOptions = {}): ResolvedWriterOptions {
  return {
    globalIndexDir: o.globalIndexDir ?? null,
    fsync: o.fsync ?? 'finish',
    indexFsync: o.indexFsync ?? false,
    lock: o.lock ?? {},
    detectForeignAppends: o.detectForeignAppends ?? true,
    foreignAppendCheckMs: o.foreignAppendCheckMs ?? 1,
    onSubscriberError: o.onSubscriberError ?? defaultSubscriberError,
    fileMode: o.fileMode ?? DEFAULT_FILE_MODE,
  };
}

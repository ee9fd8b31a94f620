import type { BackfilledSession } from '../schema/index.js';
import type { StreamedLog, WrittenLog } from './session-log-file.js';
import type { Fingerprints } from './state.js';

/**
 * Sessions whose log is written (or failed) but not yet recorded in the index
 * and the state. `streamSessionLog` now settles each log before it returns
 * (its file work is synchronous), so the queue is short; it keeps the rule that
 * the index and the state only ever record a log once it is in place, in order.
 */
export const MAX_PENDING_COMMITS = 8;

export interface PendingCommit {
  key: string;
  session: BackfilledSession;
  logPath: string;
  /** Source fingerprints taken before the session was parsed. */
  fps: Fingerprints;
  log: StreamedLog;
  /** Progress accounting for the session, once settled either way. */
  done: () => void;
}

/**
 * The logs being written, settled in the order their sessions were read, so
 * the index and the state only ever record a log once it is in place.
 */
export class CommitQueue {
  private readonly queue: PendingCommit[] = [];

  constructor(
    private readonly onCommitted: (commit: PendingCommit, written: WrittenLog) => void,
    private readonly onFailed: (commit: PendingCommit, err: unknown) => void,
  ) {}

  /** Queues a commit; waits for the oldest one when the queue is full. */
  async push(commit: PendingCommit): Promise<void> {
    this.queue.push(commit);
    if (this.queue.length >= MAX_PENDING_COMMITS) await this.settleOldest();
  }

  /** True when a log for `logPath` is still being written. */
  has(logPath: string): boolean {
    return this.queue.some((c) => c.logPath === logPath);
  }

  /** Waits for every queued commit and records each. */
  async settleAll(): Promise<void> {
    while (this.queue.length > 0) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const commit = this.queue.shift();
    if (!commit) return;
    let written: WrittenLog;
    try {
      written = await commit.log.committed;
    } catch (err) {
      this.onFailed(commit, err);
      commit.done();
      return;
    }
    this.onCommitted(commit, written);
    commit.done();
  }
}

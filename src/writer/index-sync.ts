import type { LogCompleteness } from '../schema/enums.js';
import type { SessionLogIndexEntry } from '../schema/index-files.js';
import type { SessionLogMetadata } from '../schema/adapters.js';
import { upsertIndexEntry } from '../index-files/session-index.js';
import { projectNameOf, upsertGlobalEntry } from '../index-files/global-index.js';
import type { ResolvedWriterOptions } from './options.js';

/** The writer's side of its index entry that changes during a session. */
export interface IndexSyncState {
  providerSessionId: string | null;
  completeness: LogCompleteness;
}

/**
 * Keeps one session's `index.json` entry (and its global-index entry) in step
 * with the writer, writing as rarely as the policy allows: every write
 * rewrites the whole index under a cross-process lock.
 */
export class IndexSync {
  readonly #logsDir: string;
  readonly #logPath: string;
  readonly #meta: SessionLogMetadata;
  readonly #opts: ResolvedWriterOptions;
  readonly #startedAt = new Date().toISOString();
  readonly #sourcePaths: string[] = [];
  readonly #sourceSet = new Set<string>();
  #endedAt: string | null = null;
  #written: IndexSyncState | null = null;
  #dirty = false;
  #globalDir: string | null;
  #globalDoneFor: string | null = null;
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  readonly #getState: () => IndexSyncState;

  constructor(
    logsDir: string,
    logPath: string,
    meta: SessionLogMetadata,
    opts: ResolvedWriterOptions,
    getState: () => IndexSyncState,
  ) {
    this.#getState = getState;
    this.#logsDir = logsDir;
    this.#logPath = logPath;
    this.#meta = meta;
    this.#opts = opts;
    this.#globalDir = opts.globalIndexDir;
  }

  /** Notes a state change; writes it now ('immediate') or soon ('coalesce'). */
  async update(): Promise<void> {
    const state = this.#getState();
    const w = this.#written;
    if (w && w.providerSessionId === state.providerSessionId && w.completeness === state.completeness && !this.#dirty) {
      return;
    }
    this.#dirty = true;
    await this.#afterChange();
  }

  async addSourcePath(p: string): Promise<void> {
    if (this.#sourceSet.has(p)) return;
    this.#sourceSet.add(p);
    this.#sourcePaths.push(p);
    this.#dirty = true;
    await this.#afterChange();
  }

  setGlobalIndexDir(dir: string | null): void {
    this.#globalDir = dir;
  }

  markEnded(ts: string): void {
    this.#endedAt = ts;
    this.#dirty = true;
  }

  async #afterChange(): Promise<void> {
    if (this.#opts.indexUpdates === 'immediate') return this.flush(false);
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // A failed background write stays dirty and is retried at finish/close.
      this.flush(false).catch(() => undefined);
    }, this.#opts.indexFlushDelayMs);
    this.#timer.unref();
  }

  /** Writes pending changes (all of them if `force`), one write at a time. */
  flush(force: boolean): Promise<void> {
    const run = this.#chain.then(() => this.#write(force));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Cancels the timer and writes whatever is still pending. */
  close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    return this.flush(false);
  }

  #globalPending(): boolean {
    return this.#globalDir !== null && this.#globalDoneFor !== this.#globalDir;
  }

  async #write(force: boolean): Promise<void> {
    if (!force && !this.#dirty && !this.#globalPending()) return;
    // Read the writer's state now: changes made while waiting in the chain are included.
    const state = this.#getState();
    this.#dirty = false;
    let entry: SessionLogIndexEntry;
    try {
      entry = await upsertIndexEntry(
        this.#logsDir,
        this.#meta.wrapperSessionId,
        (existing) => this.#merge(existing, state),
        { lock: this.#opts.lock, fsync: this.#opts.indexFsync },
      );
    } catch (err) {
      this.#dirty = true;
      throw err;
    }
    this.#written = state;
    const globalDir = this.#globalDir;
    if (globalDir !== null && this.#globalDoneFor !== globalDir) {
      try {
        await upsertGlobalEntry(
          globalDir,
          {
            session_id: entry.wrapper_session_id,
            project: projectNameOf(this.#logsDir),
            log_path: entry.log_path,
            provider: entry.provider,
            started_at: entry.started_at,
          },
          { lock: this.#opts.lock, fsync: this.#opts.indexFsync },
        );
        this.#globalDoneFor = globalDir;
      } catch {
        // Like zag, a global index that cannot be written does not fail the
        // session; it is retried on the next index write.
      }
    }
  }

  /** zag's upsert: refresh what the writer knows, keep `provider`, `started_at` and an earlier `ended_at`. */
  #merge(existing: SessionLogIndexEntry | undefined, s: IndexSyncState): SessionLogIndexEntry {
    let sourcePaths = existing?.source_paths ?? [];
    const missing = this.#sourcePaths.filter((p) => !sourcePaths.includes(p));
    if (missing.length > 0) sourcePaths = [...sourcePaths, ...missing];
    return {
      wrapper_session_id: this.#meta.wrapperSessionId,
      provider: existing?.provider ?? this.#meta.provider,
      provider_session_id: s.providerSessionId,
      log_path: this.#logPath,
      completeness: s.completeness,
      started_at: existing?.started_at ?? this.#startedAt,
      ended_at: this.#endedAt ?? existing?.ended_at ?? null,
      workspace_path: this.#meta.workspacePath ?? null,
      command: this.#meta.command,
      source_paths: sourcePaths,
      backfilled: this.#meta.backfilled ?? false,
    };
  }
}

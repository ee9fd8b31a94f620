import type { LogCompleteness } from '../schema/enums.js';
import type { SessionLogIndexEntry } from '../schema/index-files.js';
import type { SessionLogMetadata } from '../schema/adapters.js';
import { upsertIndexEntry } from '../index-files/session-index.js';
import { projectNameOf, upsertGlobalEntry } from '../index-files/global-index.js';
import { writeSessionFacts } from '../index-files/session-facts.js';
import type { ResolvedWriterOptions } from './options.js';

/** The writer's side of its index entry that changes during a session. */
export interface IndexSyncState {
  providerSessionId: string | null;
  completeness: LogCompleteness;
}

/**
 * Keeps one session's `index.json` entry (and its global-index entry) in step
 * with the writer. Every update resolves once the index holds it: a write
 * starts at once, and updates that
 * arrive while it is in flight all go into the one write that follows it
 * (group commit), so a burst of updates costs two writes, not one per update.
 * Each write also refreshes the session's facts file (see session-facts.ts),
 * so a rebuilt index can say exactly what this one says.
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
  /** The write running now, if any. */
  #inFlight: Promise<void> | null = null;
  /** The write that starts when the one in flight ends; every update meanwhile waits for it. */
  #next: Promise<void> | null = null;
  #nextForced = false;
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

  /** Notes a state change; resolves once `index.json` holds it. */
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

  /** `ts`: the session_ended line's own time, so the index and the log agree. */
  markEnded(ts: string): void {
    this.#endedAt = ts;
    this.#dirty = true;
  }

  /**
   * A delayed, coalescing mode was tried (issue #2) and dropped (issue #12):
   * it made an awaited update resolve before the file held it, and in a
   * fresh process it was no faster, since a write splices one entry into the
   * file (see spliceIndexEntry) instead of re-serializing the whole index.
   */
  #afterChange(): Promise<void> {
    return this.flush(false);
  }

  /**
   * Resolves once a write that began after this call has ended: the one
   * already queued behind the write in flight if there is one (group
   * commit), else a new one. The write reads the writer's state when it
   * starts, so it carries every change made until then.
   */
  flush(force: boolean): Promise<void> {
    if (force) this.#nextForced = true;
    if (this.#next) return this.#next;
    const previous = this.#inFlight;
    const next: Promise<void> = (previous ? previous.catch(() => undefined) : Promise.resolve()).then(async () => {
      this.#next = null;
      this.#inFlight = next;
      const forced = this.#nextForced;
      this.#nextForced = false;
      try {
        await this.#write(forced);
      } finally {
        if (this.#inFlight === next) this.#inFlight = null;
      }
    });
    this.#next = next;
    return next;
  }

  /** Writes whatever is still pending (a failed write stays pending). */
  close(): Promise<void> {
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
        { lock: this.#opts.lock, fsync: this.#opts.indexFsync, fileMode: this.#opts.fileMode },
      );
      writeSessionFacts(this.#logsDir, entry, this.#opts.fileMode);
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
          { lock: this.#opts.lock, fsync: this.#opts.indexFsync, fileMode: this.#opts.fileMode },
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

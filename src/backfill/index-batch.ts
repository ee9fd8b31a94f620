import type { GlobalSessionEntry, SessionLogIndexEntry } from '../schema/index.js';
import { GLOBAL_INDEX, projectNameOf } from '../index-files/global-index.js';
import { SESSION_INDEX } from '../index-files/session-index.js';
import { updateIndexFile } from '../index-files/store.js';
import { originOf } from './log-names.js';

/**
 * How a live-recorded session and a provider's history file relate.
 *
 * A session recorded live has its own wrapper id and, once the provider told
 * it, the provider's session id in `provider_session_id`; its index entry has
 * `backfilled: false`. A backfilled session uses the provider's session id as
 * its wrapper id. So a history session is "already recorded live" when the
 * index holds a non-backfilled entry of the same provider with that provider
 * session id, or a non-backfilled entry whose wrapper id is the one the
 * backfill would write. Such a session is never imported: the live log is
 * richer (wrapper events, exact times) and a second copy would list the same
 * conversation twice. A live log is never overwritten.
 */
export class LiveSessions {
  private readonly providerIds = new Set<string>();
  private readonly wrapperIds = new Set<string>();
  /** Backfilled wrapper ids, each with the origin (see originOf) of the session that owns it. */
  private readonly backfilledIds = new Map<string, string>();

  constructor(entries: readonly SessionLogIndexEntry[] = []) {
    this.reset(entries);
  }

  reset(entries: readonly SessionLogIndexEntry[]): void {
    this.providerIds.clear();
    this.wrapperIds.clear();
    this.backfilledIds.clear();
    for (const e of entries) {
      if (e.backfilled) {
        this.backfilledIds.set(e.wrapper_session_id, originOf(e.provider, e.source_paths[0]));
        continue;
      }
      this.wrapperIds.add(e.wrapper_session_id);
      if (e.provider_session_id) this.providerIds.add(`${e.provider}\0${e.provider_session_id}`);
    }
  }

  /** True when this provider session was recorded live (see the class comment). */
  covers(provider: string, providerSessionId: string | null | undefined, wrapperSessionId: string): boolean {
    if (this.wrapperIds.has(wrapperSessionId)) return true;
    return !!providerSessionId && this.providerIds.has(`${provider}\0${providerSessionId}`);
  }

  /** The origin of the backfilled session the index lists under this wrapper id, if any. */
  backfilledOrigin(wrapperSessionId: string): string | undefined {
    return this.backfilledIds.get(wrapperSessionId);
  }

  /** True when the index lists this wrapper id as a backfilled session. */
  isBackfilled(wrapperSessionId: string): boolean {
    return this.backfilledIds.has(wrapperSessionId);
  }
}

/**
 * Index entries of imported sessions, written to `index.json` in one
 * read-modify-write per batch, under the writer's cross-process index lock;
 * and, with a global index folder, to `sessions_index.json` the same way
 * (one locked write per batch, as the writer does per live session).
 */
export class IndexBatch {
  private pending = new Map<string, SessionLogIndexEntry>();
  /** Global entries not yet written (kept on failure, for the next flush). */
  private pendingGlobal = new Map<string, GlobalSessionEntry>();
  private firstFlush = true;

  constructor(
    private readonly logsDir: string,
    private readonly live: LiveSessions,
    private readonly globalIndexDir: string | null = null,
    private readonly fileMode?: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  add(entry: SessionLogIndexEntry): void {
    this.pending.set(entry.wrapper_session_id, entry);
  }

  /**
   * Upserts the pending entries. A re-imported session's entry is replaced
   * whole (its log was rewritten whole); a live (non-backfilled) entry with
   * the same wrapper id is left alone. Also refreshes `live` from the index
   * just read, so that sessions started live during the run are seen by the
   * rest of it. The first flush of a run also puts the imported sessions the
   * index already lists into the global index (imports of older versions
   * did not).
   */
  async flush(): Promise<void> {
    const batch = this.pending;
    const seen = new Set<string>();
    const written: SessionLogIndexEntry[] = [];
    const first = this.firstFlush;
    await updateIndexFile(SESSION_INDEX, this.logsDir, (entries) => {
      seen.clear();
      written.length = 0;
      const next = entries.slice();
      for (let i = 0; i < next.length; i++) {
        const old = next[i]!;
        const entry = batch.get(old.wrapper_session_id);
        if (!entry) {
          if (first && old.backfilled) written.push(old);
          continue;
        }
        seen.add(old.wrapper_session_id);
        if (!old.backfilled) continue;
        next[i] = entry;
        written.push(entry);
      }
      for (const [id, entry] of batch) {
        if (seen.has(id)) continue;
        next.push(entry);
        written.push(entry);
      }
      this.live.reset(next);
      return batch.size > 0 ? next : null;
    }, { fileMode: this.fileMode });
    this.pending = new Map();
    this.firstFlush = false;
    if (this.globalIndexDir === null) return;
    const project = projectNameOf(this.logsDir);
    for (const e of written) {
      this.pendingGlobal.set(e.wrapper_session_id, {
        session_id: e.wrapper_session_id,
        project,
        log_path: e.log_path,
        provider: e.provider,
        started_at: e.started_at,
      });
    }
    await this.flushGlobal(this.globalIndexDir);
  }

  private async flushGlobal(dir: string): Promise<void> {
    const batch = this.pendingGlobal;
    if (batch.size === 0) return;
    try {
      await updateIndexFile(GLOBAL_INDEX, dir, (entries) => upsertAll(entries, batch), { fileMode: this.fileMode });
      this.pendingGlobal = new Map();
    } catch {
      // As for a live session (zag too): a global index that cannot be written
      // does not fail the import; the entries are tried again at the next flush.
    }
  }
}

/** `entries` with each of `batch` inserted or replacing the one of its `session_id`; null when nothing changes. */
function upsertAll(
  entries: readonly GlobalSessionEntry[],
  batch: ReadonlyMap<string, GlobalSessionEntry>,
): GlobalSessionEntry[] | null {
  const next = entries.slice();
  const left = new Map(batch);
  let changed = false;
  for (let i = 0; i < next.length; i++) {
    const entry = left.get(next[i]!.session_id);
    if (!entry) continue;
    left.delete(entry.session_id);
    const old = next[i]!;
    if (
      old.project === entry.project &&
      old.log_path === entry.log_path &&
      old.provider === entry.provider &&
      old.started_at === entry.started_at
    ) {
      continue;
    }
    next[i] = entry;
    changed = true;
  }
  for (const entry of left.values()) {
    next.push(entry);
    changed = true;
  }
  return changed ? next : null;
}

import type { SessionLogIndexEntry } from '../schema/index.js';
import { SESSION_INDEX } from '../index-files/session-index.js';
import { updateIndexFile } from '../index-files/store.js';

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
  private readonly backfilledIds = new Set<string>();

  constructor(entries: readonly SessionLogIndexEntry[] = []) {
    this.reset(entries);
  }

  reset(entries: readonly SessionLogIndexEntry[]): void {
    this.providerIds.clear();
    this.wrapperIds.clear();
    this.backfilledIds.clear();
    for (const e of entries) {
      if (e.backfilled) {
        this.backfilledIds.add(e.wrapper_session_id);
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

  /** True when the index lists this wrapper id as a backfilled session. */
  isBackfilled(wrapperSessionId: string): boolean {
    return this.backfilledIds.has(wrapperSessionId);
  }
}

/**
 * Index entries of imported sessions, written to `index.json` in one
 * read-modify-write per batch, under the writer's cross-process index lock.
 */
export class IndexBatch {
  private pending = new Map<string, SessionLogIndexEntry>();

  constructor(
    private readonly logsDir: string,
    private readonly live: LiveSessions,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  add(entry: SessionLogIndexEntry): void {
    this.pending.set(entry.wrapper_session_id, entry);
  }

  /**
   * Upserts the pending entries. An existing entry keeps its `started_at`
   * (as zag's upsert does); a live (non-backfilled) entry with the same wrapper
   * id is left alone. Also refreshes `live` from the index just read, so that
   * sessions started live during the run are seen by the rest of it.
   */
  async flush(): Promise<void> {
    const batch = this.pending;
    const seen = new Set<string>();
    await updateIndexFile(SESSION_INDEX, this.logsDir, (entries) => {
      seen.clear();
      const next = entries.slice();
      for (let i = 0; i < next.length; i++) {
        const old = next[i]!;
        const entry = batch.get(old.wrapper_session_id);
        if (!entry) continue;
        seen.add(old.wrapper_session_id);
        if (!old.backfilled) continue;
        next[i] = { ...entry, started_at: old.started_at };
      }
      for (const [id, entry] of batch) if (!seen.has(id)) next.push(entry);
      this.live.reset(next);
      return batch.size > 0 ? next : null;
    });
    this.pending = new Map();
  }
}

import { readdir, unlink } from 'node:fs/promises';
import { DEFAULT_FILE_MODE, ensureOwnDir } from '../index-files/own-files.js';
import { join } from 'node:path';
import { SessionLogError, isSessionLogError } from '../errors.js';
import type { BackfillCandidate, BackfilledSession, HistoricalLogAdapter, SkippedFile, SourceFingerprint } from '../schema/index.js';
import { unsafeSessionIdReason } from '../schema/safe-id.js';
import { giveTurnIfDue } from '../tail/turns.js';
import { AdapterPass, candidateId, candidateKey } from './adapter-pass.js';
import { CommitQueue, type PendingCommit } from './commit-queue.js';
import { fingerprintOf } from './fingerprint.js';
import { ImportThreads } from './import-pool.js';
import { IndexBatch, LiveSessions } from './index-batch.js';
import { peekLogOrigin } from './log-origin.js';
import { nameFor, originOf, renamed } from './log-names.js';
import type { ProgressReporter } from './progress.js';
import { abortError, type RunLock } from './run-lock.js';
import { TEMP_SUFFIX, streamSessionLog, type WrittenLog } from './session-log-file.js';
import { BackfillStateStore, sessionKey, type Fingerprints } from './state.js';
import type { BackfillResult } from './types.js';

/** Index and state are written after this many imported sessions, or this long after the last write. */
const FLUSH_EVERY_SESSIONS = 500;
const FLUSH_EVERY_MS = 2_000;

/** What the scan of one adapter found. */
interface ScanSummary {
  /** The listing ran to its end without error. */
  complete: boolean;
  /** Candidates new or changed since the last run. */
  changed: number;
  /** Unchanged candidates that hold a session. */
  sessions: number;
  files: number;
  bytes: number;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One run's work, between taking and releasing the run lock (see `runBackfill`). */
export class BackfillRun {
  readonly result: BackfillResult = { imported: 0, skipped: 0, failed: [], skippedFiles: [] };
  /** Paths already in `result.skippedFiles`: scan and import pass both report, one entry per file. */
  private readonly skippedPaths = new Set<string>();
  /** Given to the adapters as `onSkippedFile`. */
  private readonly noteSkipped = (file: SkippedFile): void => {
    if (this.skippedPaths.has(file.path)) return;
    this.skippedPaths.add(file.path);
    this.result.skippedFiles.push({ path: file.path, reason: file.reason });
  };
  private readonly sessionsDir: string;
  private readonly live = new LiveSessions();
  private readonly batch: IndexBatch;
  private state!: BackfillStateStore;
  private lastFlush = Date.now();
  private tmpCounter = 0;
  private readonly commits: CommitQueue;
  private readonly scans = new Map<HistoricalLogAdapter, ScanSummary>();
  /** Log names written in this run and not yet in the index read back at a flush, with their origins. */
  private readonly claims = new Map<string, string>();
  /**
   * Fingerprints the scan took, used once by the import pass instead of a
   * second stat per file. Taken earlier, so a file that changes in between
   * looks changed to the next run: never a missed change.
   */
  private readonly scanned = new Map<string, SourceFingerprint | null>();

  constructor(
    private readonly logsDir: string,
    private readonly root: string | null,
    private readonly lock: RunLock,
    readonly progress: ProgressReporter,
    private readonly signal: AbortSignal | undefined,
    private readonly threads: ImportThreads = new ImportThreads(0, undefined),
    globalIndexDir: string | null = null,
    private readonly fileMode: number = DEFAULT_FILE_MODE,
  ) {
    this.sessionsDir = join(logsDir, 'sessions');
    this.batch = new IndexBatch(logsDir, this.live, globalIndexDir, fileMode);
    this.commits = new CommitQueue(
      (c, written) => this.recordCommitted(c, written),
      (c, err) => this.result.failed.push({ key: c.key, error: message(err) }),
    );
  }

  private checkAbort(): void {
    if (this.signal?.aborted) throw abortError(this.signal);
    if (this.lock.compromised) {
      throw new SessionLogError('ERR_LOCK_COMPROMISED', 'the backfill run lock was lost', { cause: this.lock.compromised });
    }
  }

  async prepare(): Promise<void> {
    ensureOwnDir(this.sessionsDir, this.fileMode);
    // Temp logs of a run that crashed; no other run is active (we hold the lock).
    for (const name of await readdir(this.sessionsDir)) {
      if (name.endsWith(TEMP_SUFFIX)) await unlink(join(this.sessionsDir, name)).catch(() => undefined);
    }
    this.state = await BackfillStateStore.load(this.logsDir, this.fileMode);
    await this.batch.flush(); // reads the index: which sessions were recorded live
  }

  /** A session's log is in place: its index entry and state follow with the next flush. */
  private recordCommitted(c: PendingCommit, written: WrittenLog): void {
    const meta = c.session.metadata;
    this.batch.add({
      wrapper_session_id: meta.wrapperSessionId,
      provider: meta.provider,
      provider_session_id: meta.providerSessionId ?? null,
      log_path: c.logPath,
      completeness: c.session.completeness,
      // The times of the log's session_started and session_ended lines (the session's first and
      // last record times, never the import's), so a rebuilt index says the same.
      started_at: written.startedAt,
      ended_at: written.endedAt,
      workspace_path: meta.workspacePath ?? null,
      command: meta.command,
      source_paths: [...c.session.sourcePaths],
      backfilled: true,
    });
    this.state.recordImported(c.key, c.fps);
    this.result.imported++;
  }

  /** Records every log written so far in the index, then in the state (in that order: see runBackfill). */
  async flush(): Promise<void> {
    if (!this.state) return;
    await this.commits.settleAll();
    await this.batch.flush();
    this.claims.clear(); // the index just read lists them
    await this.state.save();
    this.lastFlush = Date.now();
  }

  /**
   * Lists `adapter`'s candidates without parsing any (progress totals), and
   * notes whether any of them changed: when none did, the import pass for
   * this adapter is not needed at all.
   */
  async scan(adapter: HistoricalLogAdapter): Promise<void> {
    const p = this.progress.state;
    const summary: ScanSummary = { complete: false, changed: 0, sessions: 0, files: 0, bytes: 0 };
    const filter = (c: BackfillCandidate): boolean => {
      this.checkAbort();
      const fps = c.sourcePaths.map(fingerprintOf);
      for (const [i, path] of c.sourcePaths.entries()) this.scanned.set(path, fps[i] ?? null);
      let bytes = 0;
      for (const fp of fps) bytes += fp?.size ?? 0;
      p.filesTotal += c.sourcePaths.length;
      p.bytesTotal += bytes;
      const unchanged = this.state.unchanged(c.sourcePaths, fps);
      if (unchanged === 'changed') summary.changed++;
      if (unchanged === 'session') summary.sessions++;
      summary.files += c.sourcePaths.length;
      summary.bytes += bytes;
      this.progress.tick();
      return false;
    };
    try {
      let yielded = false;
      for await (const _session of adapter.backfill(this.root, { signal: this.signal, filter, onSkippedFile: this.noteSkipped })) {
        yielded = true; // an adapter that ignores `filter` would parse everything: stop, totals stay partial
        break;
      }
      summary.complete = !yielded;
    } catch (err) {
      if (this.signal?.aborted) throw abortError(this.signal);
      if (isSessionLogError(err, 'ERR_LOCK_COMPROMISED')) throw err;
      // The import pass runs the same listing and reports the failure.
    }
    this.scans.set(adapter, summary);
  }

  /** After every scan: import in threads if there is enough to import. */
  planThreads(): void {
    let changed = 0;
    for (const s of this.scans.values()) changed += s.changed;
    this.threads.plan(changed);
  }

  /** Ends the use of import threads (after the last flush). */
  close(): void {
    this.threads.close();
    this.scanned.clear();
  }

  async importFrom(adapter: HistoricalLogAdapter): Promise<void> {
    const scanned = this.scans.get(adapter);
    if (scanned?.complete && scanned.changed === 0) {
      // Nothing new or grown since the last run (checked moments ago): no second listing.
      this.result.skipped += scanned.sessions;
      const p = this.progress.state;
      p.filesDone += scanned.files;
      p.bytesDone += scanned.bytes;
      p.sessions += scanned.sessions;
      this.progress.tick();
      return;
    }
    /** Candidates handled in this run: an adapter restarted after an error skips them. */
    const seen = new Set<string>();
    for (;;) {
      const pass = new AdapterPass();
      const filter = (c: BackfillCandidate): boolean => {
        const id = candidateId(c);
        if (seen.has(id)) return false;
        seen.add(id);
        return this.filterCandidate(c, pass);
      };
      try {
        const imported = (key: string): boolean => this.state.hasImported(key);
        const options = { signal: this.signal, filter, onSkippedFile: this.noteSkipped, imported };
        for await (const session of adapter.backfill(this.root, options)) {
          await this.handleSession(session, pass);
        }
      } catch (err) {
        if (this.signal?.aborted) throw abortError(this.signal);
        if (isSessionLogError(err, 'ERR_LOCK_COMPROMISED')) throw err;
        const culprit = pass.current();
        if (!culprit) {
          // Failed outside any candidate (e.g. listing the history): nothing to skip past.
          this.result.failed.push({ key: `${adapter.provider}:*`, error: message(err) });
          return;
        }
        pass.drop(culprit);
        this.result.failed.push({ key: candidateKey(culprit), error: message(err) });
        this.filesDone(culprit.sourcePaths.length, 0, true);
        continue;
      }
      for (const { candidate, fps } of pass.empties()) {
        candidate.sourcePaths.forEach((path, i) => {
          const fp = fps[i];
          if (fp) this.state.recordEmpty(path, fp);
        });
        this.filesDone(candidate.sourcePaths.length, fps.reduce((n, fp) => n + (fp?.size ?? 0), 0), false);
      }
      return;
    }
  }

  private filterCandidate(c: BackfillCandidate, pass: AdapterPass): boolean {
    this.checkAbort();
    const fps = c.sourcePaths.map((path) => {
      const fp = this.scanned.get(path);
      if (fp === undefined) return fingerprintOf(path);
      this.scanned.delete(path);
      return fp;
    });
    const unchanged = this.state.unchanged(c.sourcePaths, fps);
    if (unchanged !== 'changed') {
      // A file known to hold no session is not a skipped session.
      if (unchanged === 'session') this.result.skipped++;
      this.filesDone(c.sourcePaths.length, fps.reduce((n, fp) => n + (fp?.size ?? 0), 0), unchanged === 'session');
      return false;
    }
    pass.accept(c, fps);
    return true;
  }

  private filesDone(files: number, bytes: number, session: boolean): void {
    const p = this.progress.state;
    p.filesDone += files;
    p.bytesDone += bytes;
    if (session) p.sessions++;
    this.progress.tick();
  }

  private async handleSession(found: BackfilledSession, pass: AdapterPass): Promise<void> {
    await giveTurnIfDue();
    this.checkAbort();
    // Another source may already own this id: then this one gets a name of its own (see nameFor).
    const origin = originOf(found.metadata.provider, found.sourcePaths[0]);
    const baseId = found.metadata.wrapperSessionId;
    const owner = this.claims.get(baseId) ?? this.live.backfilledOrigin(baseId);
    const name = nameFor(baseId, sessionKey(found.metadata), origin, owner);
    const session = renamed(found, name.wrapperSessionId);
    const meta = session.metadata;
    const key = name.key;
    const fps: Fingerprints = {};
    let bytes = 0;
    for (const path of session.sourcePaths) {
      const known = pass.fingerprintFor(path);
      const fp = known === undefined ? fingerprintOf(path) : known;
      if (fp) {
        fps[path] = fp;
        bytes += fp.size;
      }
    }
    pass.cover(session.sourcePaths);
    const done = (): void => this.filesDone(session.sourcePaths.length, bytes, true);

    if (this.state.sessionUnchanged(key, fps)) {
      // The adapter did not ask `filter`; its events are still not read.
      this.result.skipped++;
      return done();
    }
    if (this.state.importedWithoutFingerprints(key)) {
      // zag imported it once and for all; from now on we notice when it grows.
      this.state.recordImported(key, fps);
      this.result.skipped++;
      return done();
    }
    const id = meta.wrapperSessionId;
    if (this.live.covers(meta.provider, meta.providerSessionId, id)) {
      this.state.recordSources(key, fps);
      this.result.skipped++;
      return done();
    }
    const bad = unsafeSessionIdReason(baseId);
    if (bad) {
      this.result.failed.push({ key, error: `unsafe session id ${JSON.stringify(id)}: ${bad}` });
      return done();
    }
    const logPath = join(this.sessionsDir, `${id}.jsonl`);
    if (!this.state.hasImported(key) && !this.live.isBackfilled(id) && (await peekLogOrigin(logPath)) === 'live') {
      // A log of this name that neither the state nor the index knows, written live: not ours to replace.
      this.state.recordSources(key, fps);
      this.result.skipped++;
      return done();
    }

    // Two sessions of one id in a run: the second log must land after the first.
    if (this.commits.has(logPath)) await this.commits.settleAll();
    const tmpPath = join(this.sessionsDir, `${id}.jsonl.${process.pid}-${++this.tmpCounter}${TEMP_SUFFIX}`);
    let log = this.threads.submit(session, logPath, tmpPath, this.fileMode);
    if (!log) {
      try {
        log = await streamSessionLog(session, logPath, tmpPath, this.signal, this.fileMode);
      } catch (err) {
        if (this.signal?.aborted) throw abortError(this.signal);
        this.result.failed.push({ key, error: message(err) });
        return done();
      }
    }
    this.claims.set(id, origin);
    await this.commits.push({ key, session, logPath, fps, log, done });
    if (this.batch.size >= FLUSH_EVERY_SESSIONS || Date.now() - this.lastFlush >= FLUSH_EVERY_MS) await this.flush();
  }
}

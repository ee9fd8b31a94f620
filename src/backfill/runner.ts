import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SessionLogError, isSessionLogError } from '../errors.js';
import type { BackfillCandidate, BackfilledSession, HistoricalLogAdapter } from '../schema/index.js';
import { AdapterPass, candidateId, candidateKey } from './adapter-pass.js';
import { fingerprintOf } from './fingerprint.js';
import { IndexBatch, LiveSessions } from './index-batch.js';
import { peekLogOrigin } from './log-origin.js';
import { ProgressReporter, type BackfillProgress } from './progress.js';
import { abortError, acquireRunLock, type RunLock } from './run-lock.js';
import { TEMP_SUFFIX, streamSessionLog, type StreamedLog } from './session-log-file.js';
import { BackfillStateStore, sessionKey, type Fingerprints } from './state.js';

export interface RunBackfillOptions {
  /** Called at most every 100 ms, and at each phase change. */
  onProgress?: (progress: BackfillProgress) => void;
  /** Stops the run between two events; the run then rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
}

export interface BackfillFailure {
  /** `<provider>:<session id>`, or `<provider>:<first source path>` when the adapter failed before naming the session. */
  key: string;
  error: string;
}

export interface BackfillResult {
  /** Sessions whose log was written (new, or rebuilt because their files changed). */
  imported: number;
  /** Sessions left as they are: unchanged since the last run, imported by zag, or recorded live. */
  skipped: number;
  /** Sessions (or files) that could not be imported; the next run tries them again. */
  failed: BackfillFailure[];
}

/** Index and state are written after this many imported sessions, or this long after the last write. */
const FLUSH_EVERY_SESSIONS = 500;
const FLUSH_EVERY_MS = 2_000;
const SAFE_ID_MAX_BYTES = 200;
/**
 * Sessions whose events are read but whose log is still being written. Their
 * file work overlaps the parsing of the next sessions; memory stays bounded
 * (each holds at most one write buffer).
 */
const MAX_PENDING_COMMITS = 8;

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

interface PendingCommit {
  key: string;
  session: BackfilledSession;
  logPath: string;
  fps: Fingerprints;
  log: StreamedLog;
  done: () => void;
}

function unsafeId(id: string): string | null {
  if (id.length === 0) return 'empty';
  if (id.includes('/') || id.includes('\\') || id.includes('\0') || id.includes('..')) return 'contains a path separator, NUL or ".."';
  if (Buffer.byteLength(id) > SAFE_ID_MAX_BYTES) return `longer than ${SAFE_ID_MAX_BYTES} bytes`;
  return null;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Imports the sessions of `adapters` that are new or changed since the last
 * run into `<logsDir>/sessions/*.jsonl` and `index.json`. See API.md,
 * "Historical import"; the steps:
 *
 * 1. Takes the run lock (`backfill.lock`): a concurrent run waits, then finds nothing to do.
 * 2. Scans: every adapter lists its candidates through `filter`, which answers
 *    "no" to all, so nothing is parsed; this gives the progress totals.
 * 3. Imports: `filter` now answers "no" for a candidate whose files all have
 *    the size, mtime and inode recorded in `backfill_state.json`, so unchanged
 *    sessions are never opened. Each session the adapter then yields is
 *    streamed into a temp file and renamed over its log (see `writeSessionLog`).
 *    A session listed in zag's `imported_session_keys` without fingerprints was
 *    imported by zag: it is kept as it is and fingerprinted. A session recorded
 *    live is never imported (see `LiveSessions`).
 * 4. Index entries and the state are written in batches: index first, then
 *    state, so a crash in between only causes a harmless rebuild next time.
 *
 * A failing session or file goes into `failed` and the run goes on; if the
 * adapter's iteration itself threw, it is restarted past the files already
 * handled. On abort, what was written is recorded before the promise rejects.
 */
export async function runBackfill(
  logsDir: string,
  root: string | null | undefined,
  adapters: readonly HistoricalLogAdapter[],
  options: RunBackfillOptions = {},
): Promise<BackfillResult> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const lock = await acquireRunLock(logsDir, signal);
  const run = new BackfillRun(logsDir, root ?? null, lock, new ProgressReporter(options.onProgress), signal);
  try {
    await run.prepare();
    for (const adapter of adapters) await run.scan(adapter);
    run.progress.phase('importing');
    for (const adapter of adapters) await run.importFrom(adapter);
    await run.flush();
    run.progress.phase('done');
    return run.result;
  } catch (err) {
    // Whatever was renamed into place is recorded, so the state matches the disk.
    await run.flush().catch(() => undefined);
    if (signal?.aborted) throw abortError(signal);
    throw err;
  } finally {
    await lock.release();
  }
}

class BackfillRun {
  readonly result: BackfillResult = { imported: 0, skipped: 0, failed: [] };
  private readonly sessionsDir: string;
  private readonly live = new LiveSessions();
  private readonly batch: IndexBatch;
  private state!: BackfillStateStore;
  private lastFlush = Date.now();
  private tmpCounter = 0;
  private readonly pending: PendingCommit[] = [];
  private readonly scans = new Map<HistoricalLogAdapter, ScanSummary>();

  constructor(
    private readonly logsDir: string,
    private readonly root: string | null,
    private readonly lock: RunLock,
    readonly progress: ProgressReporter,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.sessionsDir = join(logsDir, 'sessions');
    this.batch = new IndexBatch(logsDir, this.live);
  }

  private checkAbort(): void {
    if (this.signal?.aborted) throw abortError(this.signal);
    if (this.lock.compromised) {
      throw new SessionLogError('ERR_LOCK_COMPROMISED', 'the backfill run lock was lost', { cause: this.lock.compromised });
    }
  }

  async prepare(): Promise<void> {
    await mkdir(this.sessionsDir, { recursive: true });
    // Temp logs of a run that crashed; no other run is active (we hold the lock).
    for (const name of await readdir(this.sessionsDir)) {
      if (name.endsWith(TEMP_SUFFIX)) await unlink(join(this.sessionsDir, name)).catch(() => undefined);
    }
    this.state = await BackfillStateStore.load(this.logsDir);
    await this.batch.flush(); // reads the index: which sessions were recorded live
  }

  /** Waits for the oldest log being written and records it (or its failure). */
  private async settleOldest(): Promise<void> {
    const p = this.pending.shift();
    if (!p) return;
    let written;
    try {
      written = await p.log.committed;
    } catch (err) {
      this.result.failed.push({ key: p.key, error: message(err) });
      return p.done();
    }
    const meta = p.session.metadata;
    this.batch.add({
      wrapper_session_id: meta.wrapperSessionId,
      provider: meta.provider,
      provider_session_id: meta.providerSessionId ?? null,
      log_path: p.logPath,
      completeness: p.session.completeness,
      started_at: written.startedAt,
      ended_at: written.endedAt,
      workspace_path: meta.workspacePath ?? null,
      command: meta.command,
      source_paths: [...p.session.sourcePaths],
      backfilled: true,
    });
    this.state.recordImported(p.key, p.fps);
    this.result.imported++;
    p.done();
  }

  /** Records every log written so far in the index, then in the state (in that order: see runBackfill). */
  async flush(): Promise<void> {
    if (!this.state) return;
    while (this.pending.length > 0) await this.settleOldest();
    await this.batch.flush();
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
      for await (const _session of adapter.backfill(this.root, { signal: this.signal, filter })) {
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
        for await (const session of adapter.backfill(this.root, { signal: this.signal, filter })) {
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
    const fps = c.sourcePaths.map(fingerprintOf);
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

  private async handleSession(session: BackfilledSession, pass: AdapterPass): Promise<void> {
    this.checkAbort();
    const meta = session.metadata;
    const key = sessionKey(meta);
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
    const bad = unsafeId(id);
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
    if (this.pending.some((p) => p.logPath === logPath)) while (this.pending.length > 0) await this.settleOldest();
    const tmpPath = join(this.sessionsDir, `${id}.jsonl.${process.pid}-${++this.tmpCounter}${TEMP_SUFFIX}`);
    let log: StreamedLog;
    try {
      log = await streamSessionLog(session, logPath, tmpPath, this.signal);
    } catch (err) {
      if (this.signal?.aborted) throw abortError(this.signal);
      this.result.failed.push({ key, error: message(err) });
      return done();
    }
    this.pending.push({ key, session, logPath, fps, log, done });
    if (this.pending.length >= MAX_PENDING_COMMITS) await this.settleOldest();
    if (this.batch.size >= FLUSH_EVERY_SESSIONS || Date.now() - this.lastFlush >= FLUSH_EVERY_MS) await this.flush();
  }
}

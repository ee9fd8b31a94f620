import fs from 'node:fs';
import { ensureOwnDir, LOG_APPEND_FLAGS, openOwnFile } from '../index-files/own-files.js';
import path from 'node:path';
import { SessionLogError } from '../errors.js';
import { completenessRank, type LogCompleteness, type LogSourceKind } from '../schema/enums.js';
import type { AgentLogEvent } from '../schema/event.js';
import type { LogEventInput, LogEventKind } from '../schema/kinds.js';
import { normalizeEventInput, serializeEvent } from '../schema/serialize.js';
import { normalizeEventTime } from '../schema/event-time.js';
import type { EmitOptions, LogSink, SessionLogMetadata } from '../schema/adapters.js';
import { withFileLock } from '../index-files/lock.js';
import { checkEnvelope, eventOf } from './envelope.js';
import { IndexSync, type IndexSyncState } from './index-sync.js';
import { repairTail, scanForeign, writeWhole } from './log-file.js';
import { resolveWriterOptions, type ResolvedWriterOptions, type WriterOptions } from './options.js';
import { OwnerServer, probeOwner, readOwnerRecord, removeStaleOwner, type AppendReply, type AppendRequest } from './owner.js';
import { assertSafeSessionId } from './safe-id.js';

const SOURCE_KINDS: ReadonlySet<string> = new Set(['wrapper', 'provider_file', 'provider_log', 'stdout', 'stderr', 'backfill']);

export type LogEventListener = (event: AgentLogEvent) => unknown;

interface Envelope {
  provider: string;
  wrapper_session_id: string;
  provider_session_id: string | null;
  completeness: LogCompleteness;
}

function checkMetadata(m: SessionLogMetadata): void {
  assertSafeSessionId(m?.wrapperSessionId);
  if (typeof m.provider !== 'string' || m.provider === '') {
    throw new SessionLogError('ERR_INVALID_EVENT', 'metadata.provider must be a non-empty string');
  }
  if (typeof m.command !== 'string') throw new SessionLogError('ERR_INVALID_EVENT', 'metadata.command must be a string');
}

/**
 * Writes one session's log (`<logsDir>/sessions/<id>.jsonl`) and keeps its
 * `index.json` entry. See `owner.ts` for how it shares the log with other processes.
 */
export class SessionLogWriter implements LogSink, AsyncDisposable {
  readonly logPath: string;
  readonly indexPath: string;
  readonly #opts: ResolvedWriterOptions;
  readonly #meta: SessionLogMetadata;
  readonly #fd: number;
  readonly #listeners = new Set<LogEventListener>();
  readonly #index: IndexSync;
  #owner: OwnerServer | null = null;
  #nextSeq: number;
  /** Bytes in the file as far as this writer knows; a mismatch means someone else appended. */
  #size: number;
  #needsNewline = false;
  readonly #probe = Buffer.alloc(1);
  #lastProbe = -Infinity;
  #tsMs = -1;
  #tsText = '';
  #givenTs: unknown = undefined;
  #givenTsText = '';
  /** Size at the last fsync, so close() does not repeat finish()'s. */
  #syncedSize = -1;
  #providerSessionId: string | null;
  #completeness: LogCompleteness = 'full';
  #fdOpen = true;
  #closing = false;
  #finished: Promise<void> | null = null;
  #closed: Promise<void> | null = null;

  private constructor(logsDir: string, meta: SessionLogMetadata, fd: number, opts: ResolvedWriterOptions, size: number, nextSeq: number) {
    this.logPath = path.join(logsDir, 'sessions', `${meta.wrapperSessionId}.jsonl`);
    this.indexPath = path.join(logsDir, 'index.json');
    this.#meta = { ...meta };
    this.#fd = fd;
    this.#opts = opts;
    this.#size = size;
    this.#nextSeq = nextSeq;
    this.#providerSessionId = meta.providerSessionId ?? null;
    this.#index = new IndexSync(logsDir, this.logPath, meta, opts, () => this.#indexState());
  }

  /**
   * Opens (or creates) the session's log and becomes its owner: continues
   * after the last `seq` (reading only the file's tail; a torn last line is
   * cut off and kept in a parse_warning) and writes the index entry.
   * Rejects with ERR_INVALID_SESSION_ID (nothing written) for an unsafe id and
   * ERR_LOG_OWNED if another live writer owns the log.
   */
  static async create(logsDir: string, metadata: SessionLogMetadata, options: WriterOptions = {}): Promise<SessionLogWriter> {
    checkMetadata(metadata);
    const opts = resolveWriterOptions(options);
    const dir = path.resolve(logsDir);
    const sessionsDir = path.join(dir, 'sessions');
    const logPath = path.join(sessionsDir, `${metadata.wrapperSessionId}.jsonl`);
    // A logs folder that is a file: ERR_INVALID_LOGS_DIR. A planted link as the log: ERR_UNSAFE_PATH, never followed.
    ensureOwnDir(sessionsDir, opts.fileMode);
    const fd = openOwnFile(logPath, LOG_APPEND_FLAGS, opts.fileMode)!;
    let writer: SessionLogWriter | null = null;
    let warning: LogEventKind | null = null;
    try {
      await withFileLock(
        logPath,
        async () => {
          const rec = readOwnerRecord(logPath);
          if (rec) {
            if ((await probeOwner(rec)) === 'live') {
              throw new SessionLogError('ERR_LOG_OWNED', `${logPath} is owned by a live writer (pid ${rec.pid})`);
            }
            removeStaleOwner(logPath, rec);
          }
          const tail = repairTail(fd);
          warning = tail.warning;
          const w = new SessionLogWriter(dir, metadata, fd, opts, tail.size, tail.nextSeq);
          w.#owner = await OwnerServer.start(logPath, (req) => w.#serveAppend(req));
          writer = w;
        },
        opts.lock,
      );
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    const w = writer as unknown as SessionLogWriter;
    if (warning) w.#write('wrapper', warning, null);
    try {
      await w.#index.flush(true);
    } catch (err) {
      await w.close().catch(() => undefined);
      throw err;
    }
    return w;
  }

  get providerSessionId(): string | null {
    return this.#providerSessionId;
  }

  /** The seq the next event will get. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /**
   * Validates the event, assigns the next `seq` and writes the whole line with
   * one write on the open O_APPEND descriptor before returning; then calls the
   * subscribers. `options.ts` is the time of the provider record the event
   * was made from (RFC 3339 with a zone, written as UTC with milliseconds);
   * without it the event gets the wall clock. `seq` stays the order of
   * writing, so `ts` may go backwards across `seq`.
   * Throws ERR_INVALID_EVENT (bad event, source kind or ts: nothing written;
   * also for a usage_limit_hit naming a provider other than the writer's)
   * or ERR_WRITER_CLOSED.
   */
  emit(sourceKind: LogSourceKind, event: LogEventInput, options?: EmitOptions): AgentLogEvent {
    if (this.#closing) throw new SessionLogError('ERR_WRITER_CLOSED', `writer for ${this.logPath} is closed`);
    if (!SOURCE_KINDS.has(sourceKind)) {
      throw new SessionLogError('ERR_INVALID_EVENT', `invalid source kind ${JSON.stringify(sourceKind)}`);
    }
    const ts = options?.ts === undefined ? null : this.#eventTime(options.ts);
    return this.#write(sourceKind, normalizeEventInput(event), null, ts);
  }

  #write(sourceKind: LogSourceKind, kind: LogEventKind, env: Envelope | null, ts: string | null = null): AgentLogEvent {
    const now = Date.now();
    if (this.#opts.detectForeignAppends && now - this.#lastProbe >= this.#opts.foreignAppendCheckMs) {
      this.#lastProbe = now;
      this.#absorbForeignAppends();
    }
    const event = eventOf(
      {
        seq: this.#nextSeq,
        ts: ts ?? this.#timestamp(now),
        provider: env ? env.provider : this.#meta.provider,
        wrapper_session_id: env ? env.wrapper_session_id : this.#meta.wrapperSessionId,
        provider_session_id: env ? env.provider_session_id : this.#providerSessionId,
        source_kind: sourceKind,
        completeness: env ? env.completeness : this.#completeness,
      },
      kind,
    );
    let line = serializeEvent(event, kind) + '\n';
    if (this.#needsNewline) line = '\n' + line;
    this.#size += writeWhole(this.#fd, line);
    this.#needsNewline = false;
    this.#nextSeq++;
    if (this.#opts.fsync === 'always') fs.fdatasyncSync(this.#fd);
    this.#notify(event);
    return event;
  }

  /** A given time, validated and normalized; the events of one provider record share it, so it is parsed once. */
  #eventTime(ts: string): string {
    if (ts !== this.#givenTs) {
      const normalized = normalizeEventTime(ts);
      this.#givenTs = ts;
      this.#givenTsText = normalized;
    }
    return this.#givenTsText;
  }

  /** RFC 3339 UTC with milliseconds; formatted once per millisecond (a burst shares it). */
  #timestamp(now: number): string {
    if (now !== this.#tsMs) {
      this.#tsMs = now;
      this.#tsText = new Date(now).toISOString();
    }
    return this.#tsText;
  }

  /**
   * Lines appended outside the protocol: continue after their largest seq.
   * The probe is a 1-byte read at the end we expect: EOF (0) means nobody
   * else wrote, and unlike fstat it allocates nothing.
   */
  #absorbForeignAppends(): void {
    if (fs.readSync(this.#fd, this.#probe, 0, 1, this.#size) === 0) return;
    const size = fs.fstatSync(this.#fd).size;
    const { maxSeq, endsMidLine } = scanForeign(this.#fd, this.#size, size);
    if (maxSeq >= this.#nextSeq) this.#nextSeq = maxSeq + 1;
    this.#needsNewline = endsMidLine;
    this.#size = size;
  }

  #notify(event: AgentLogEvent): void {
    if (this.#listeners.size === 0) return;
    for (const cb of [...this.#listeners]) {
      try {
        const r = cb(event);
        if (r && typeof (r as PromiseLike<unknown>).then === 'function') {
          (r as Promise<unknown>).then(undefined, (err: unknown) => this.#opts.onSubscriberError(err, event));
        }
      } catch (err) {
        try {
          this.#opts.onSubscriberError(err, event);
        } catch {
          // An error handler that throws must not break the writer either.
        }
      }
    }
  }

  /** An append handed over by another process (see owner.ts). */
  #serveAppend(req: AppendRequest): AppendReply {
    if (!this.#fdOpen) return { ok: false, code: 'ERR_WRITER_CLOSED', message: 'writer is closed' };
    try {
      const kind = normalizeEventInput(req.event as LogEventInput);
      checkEnvelope(
        { provider: this.#meta.provider, wrapperSessionId: this.#meta.wrapperSessionId },
        String(req.provider),
        String(req.wrapper_session_id),
        this.logPath,
      );
      const event = this.#write('wrapper', kind, {
        provider: String(req.provider),
        wrapper_session_id: String(req.wrapper_session_id),
        provider_session_id: typeof req.provider_session_id === 'string' ? req.provider_session_id : null,
        completeness: 'full',
      });
      return { ok: true, event: event as unknown as Record<string, unknown> };
    } catch (err) {
      const code = err instanceof SessionLogError ? err.code : 'ERR_IO';
      return { ok: false, code, message: (err as Error).message };
    }
  }

  /** Subscribes to every event written from now on; returns the unsubscribe function. */
  onLogEvent(cb: LogEventListener): () => void {
    this.#listeners.add(cb);
    return () => {
      this.#listeners.delete(cb);
    };
  }

  #indexState(): IndexSyncState {
    return { providerSessionId: this.#providerSessionId, completeness: this.#completeness };
  }

  async setProviderSessionId(id: string | null): Promise<void> {
    this.#providerSessionId = id ?? null;
    await this.#index.update();
  }

  /** Lowers the completeness (full > partial > metadata_only); a higher value is ignored. */
  async setCompleteness(completeness: LogCompleteness): Promise<void> {
    if (completenessRank(completeness) < completenessRank(this.#completeness)) this.#completeness = completeness;
    await this.#index.update();
  }

  /** Records a provider file this session was read from (de-duplicated). */
  async addSourcePath(sourcePath: string): Promise<void> {
    await this.#index.addSourcePath(sourcePath);
  }

  /** Also record the session in `<dir>/sessions_index.json`, from the next index update on. */
  setGlobalIndexDir(dir: string | null): void {
    this.#index.setGlobalIndexDir(dir);
  }

  /** Emits session_ended, sets `ended_at` in the index and (by default) fsyncs. Idempotent. */
  finish(success: boolean, error?: string | null): Promise<void> {
    this.#finished ??= (async () => {
      const ended = this.emit('wrapper', { type: 'session_ended', success, error: error ?? null });
      // The line's own time: a rebuilt index reads ended_at from this line.
      this.#index.markEnded(ended.ts);
      await this.#index.flush(false);
      this.#syncIfNeeded();
    })();
    return this.#finished;
  }

  #syncIfNeeded(): void {
    if (this.#opts.fsync === 'never' || this.#syncedSize === this.#size) return;
    fs.fdatasyncSync(this.#fd);
    this.#syncedSize = this.#size;
  }

  /** Flushes pending index updates, gives up ownership and closes the file. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      let failure: unknown = null;
      try {
        await this.#index.close();
      } catch (err) {
        failure = err;
      }
      const owner = this.#owner;
      this.#owner = null;
      try {
        if (owner) await withFileLock(this.logPath, () => owner.stop(), this.#opts.lock);
      } catch (err) {
        failure ??= err;
        await owner?.stop().catch(() => undefined);
      }
      try {
        this.#syncIfNeeded();
      } catch (err) {
        failure ??= err;
      }
      this.#fdOpen = false;
      fs.closeSync(this.#fd);
      if (failure) throw failure;
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

import { closeSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { DEFAULT_FILE_MODE, refuseLinked } from '../index-files/own-files.js';
import { SessionLogError } from '../errors.js';
import { eventBatchesOf, sourceTimesOf } from '../providers/shared/event-batches.js';
import { fileTime, recordTime } from '../providers/shared/record-times.js';
import { giveTurnIfDue } from '../tail/turns.js';
import {
  normalizeEventInput,
  normalizeEventTime,
  serializeEvent,
  type BackfilledSession,
  type EnvelopeInput,
  type LogEventInput,
  type LogEventKind,
  type LogSourceKind,
  type SourceTimes,
} from '../schema/index.js';
import { LineBuffer } from './line-buffer.js';

/** How many events between two looks at the abort signal and the clock. */
const CHECK_EVERY = 64;
const MAX_RAW = 2000;

export interface WrittenLog {
  events: number;
  /**
   * The session's first and last record times (RFC 3339 UTC): the times of
   * the log's session_started and of its latest line (session_ended is never
   * earlier than any line). These are the index's started_at and ended_at.
   */
  startedAt: string;
  endedAt: string;
}

/** Suffix of the temp files a rebuild writes next to the log; a crashed run's leftovers are removed by the next run. */
export const TEMP_SUFFIX = '.backfill.tmp';

function toKind(event: LogEventInput): LogEventKind {
  try {
    return normalizeEventInput(event);
  } catch (err) {
    // An adapter handed over something that is not an event: keep the session, say so in it.
    let raw: string | null = null;
    try {
      raw = JSON.stringify(event)?.slice(0, MAX_RAW) ?? null;
    } catch {
      raw = null;
    }
    return { type: 'parse_warning', message: `invalid event from adapter: ${(err as Error).message}`, raw };
  }
}

/** A session whose events have all been read and whose log is written (or failed). */
export interface StreamedLog {
  /** Resolves once the complete log has been renamed into place; rejects (temp file removed) otherwise. */
  readonly committed: Promise<WrittenLog>;
}

/**
 * Reads all of one backfilled session's events into its log: streamed into
 * `tmpPath` in large buffered writes, then renamed over `logPath`, so a reader
 * sees either the old log or the whole new one, never a half-written or
 * doubled one.
 *
 * File work is synchronous: one open, a few writes of up to a buffer each,
 * close and rename per session; for the thousands of small logs of a history
 * the thread-pool round trips of async calls cost more than the calls. A
 * session smaller than one buffer is written with a single call.
 * Events are taken in arrays when the adapter offers them (EVENT_BATCHES).
 *
 * Lines are what zag's `run_backfill` writes: seq 1..n, every event with the
 * session's completeness and the source kind the adapter gave, `session_ended`
 * (success, source `wrapper`) last. Unlike zag's runner we also write
 * `session_started` first (source `backfill`, `backfilled: true`), as zag's
 * coordinator does for a backfilled session, so every log opens the same way;
 * if the adapter's own first event is a `session_started`, or its last a
 * `session_ended`, that one is used instead of adding a second.
 *
 * Times (docs/time-semantics.md): each event is written with the time its
 * adapter gave (the third element of its tuple); one without a valid time
 * takes the nearest earlier event's, else the nearest later one's (such
 * events wait in memory). `session_started` gets the first record's time,
 * `session_ended` the latest; the import's own clock is used only when
 * neither the events, nor the adapter's reported times, nor the source files
 * give any time at all (an adapter of one's own that reports none).
 *
 * On any error, or when `signal` aborts while events are read, the temp file
 * is removed and the old log is left untouched.
 */
export async function streamSessionLog(
  session: BackfilledSession,
  logPath: string,
  tmpPath: string,
  signal?: AbortSignal,
  fileMode: number = DEFAULT_FILE_MODE,
): Promise<StreamedLog> {
  const meta = session.metadata;
  const env: EnvelopeInput = {
    seq: 0,
    ts: '',
    provider: meta.provider,
    wrapper_session_id: meta.wrapperSessionId,
    provider_session_id: meta.providerSessionId ?? null,
    source_kind: 'backfill',
    completeness: session.completeness,
  };
  const out = new LineBuffer();
  const times = new EventTimes(session);
  let fd: number | null = null;
  let startedAt = '';
  let endedAt = '';
  let lastType = '';

  const push = (source: LogSourceKind, kind: LogEventKind, ts: string): void => {
    env.seq++;
    env.ts = ts;
    env.source_kind = source;
    if (env.seq === 1) startedAt = ts;
    // Normalized times (4-digit years, UTC, ms) order as strings do.
    if (ts > endedAt) endedAt = ts;
    lastType = kind.type;
    out.push(serializeEvent(env, kind));
  };
  const drain = (): void => {
    fd ??= openSync(tmpPath, 'wx', fileMode);
    out.drainTo(fd);
  };
  /** Removes the temp file (if any) and gives the buffer back. */
  const discard = (): void => {
    out.release();
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the temp file goes next
      }
      fd = null;
    }
    try {
      unlinkSync(tmpPath);
    } catch {
      // never created, or already gone
    }
  };
  const wrap = (err: unknown): SessionLogError =>
    err instanceof SessionLogError
      ? err
      : new SessionLogError('ERR_IO', `cannot import ${meta.provider} session ${meta.wrapperSessionId}: ${(err as Error).message}`, {
          cause: err,
        });
  const checkAbort = (): void => {
    if (signal?.aborted) throw new SessionLogError('ERR_ABORTED', 'backfill aborted', { cause: signal.reason });
  };

  /**
   * Events read before any of them had a time (and the session_started that
   * opens the log) wait here for the first time, which is theirs: the nearest
   * later one (see docs/time-semantics.md).
   */
  let held: Array<[LogSourceKind, LogEventKind]> | null = [];
  let needStart = true;
  /** The time of the nearest earlier event that had one. */
  let lastTs: string | undefined;
  const release = (firstTs: string): void => {
    if (needStart) {
      needStart = false;
      push('backfill', startedEvent(session), times.start(firstTs));
    }
    for (const [source, kind] of held!) push(source, kind, firstTs);
    held = null;
  };

  try {
    checkAbort();
    let first = true;
    const onEvent = (source: LogSourceKind, input: LogEventInput, rawTs: string | undefined): void => {
      const kind = toKind(input);
      if (first) {
        first = false;
        // The adapter's own session_started opens the log instead of ours.
        if (kind.type === 'session_started') needStart = false;
      }
      const ts = rawTs === undefined ? undefined : times.normalize(rawTs);
      if (ts !== undefined) lastTs = ts;
      const at = ts ?? lastTs;
      if (at === undefined) {
        held!.push([source, kind]);
        return;
      }
      if (held) release(at);
      push(source, kind, at);
      if (out.full) drain();
    };
    const events = session.events;
    const batches = eventBatchesOf(events);
    let n = 0;
    if (batches) {
      for await (const batch of batches()) {
        for (let i = 0; i < batch.length; i++) {
          const [source, input, ts] = batch[i]!;
          onEvent(source, input, ts);
        }
        checkAbort();
      }
    } else if (Symbol.asyncIterator in events) {
      for await (const [source, input, ts] of events) {
        onEvent(source, input, ts);
        if (++n % CHECK_EVERY === 0) {
          checkAbort();
          await giveTurnIfDue();
        }
      }
    } else {
      for (const [source, input, ts] of events) {
        onEvent(source, input, ts);
        if (++n % CHECK_EVERY === 0) {
          checkAbort();
          await giveTurnIfDue();
        }
      }
    }
    checkAbort();
    // No event had a time: the session's own times, else its files' (never the import's, if anything else is known).
    if (held) release(times.fallback());
    if (lastType !== 'session_ended') push('wrapper', { type: 'session_ended', success: true, error: null }, times.end(endedAt));
    const whole = fd === null ? out.contents() : null;
    if (whole) {
      // The whole log fits in the buffer (most sessions): one call instead of open, write, close.
      writeFileSync(tmpPath, whole, { flag: 'wx', mode: fileMode });
    } else {
      drain();
      const done = fd!;
      fd = null;
      closeSync(done);
    }
    out.release();
    // A planted link in place of the log: refused (the rename would only replace the link, but someone else controls our folder).
    refuseLinked(logPath);
    renameSync(tmpPath, logPath);
  } catch (err) {
    discard();
    throw wrap(err);
  }
  const written: WrittenLog = { events: env.seq, startedAt, endedAt: endedAt < startedAt ? startedAt : endedAt };
  return { committed: Promise.resolve(written) };
}

/**
 * The times of an imported session's own lines, from its events' times and
 * what the adapter reports (`sourceTimes`, or the events' SOURCE_TIMES).
 */
class EventTimes {
  readonly #session: BackfilledSession;
  #raw = '';
  #normalized: string | undefined;

  constructor(session: BackfilledSession) {
    this.#session = session;
  }

  /** An adapter-given time, normalized; undefined when it is not RFC 3339 (the event then takes its neighbours'). */
  normalize(raw: string): string | undefined {
    // Consecutive events usually share their record's time: parse it once.
    if (raw !== this.#raw) {
      this.#raw = raw;
      try {
        this.#normalized = normalizeEventTime(raw);
      } catch {
        this.#normalized = undefined;
      }
    }
    return this.#normalized;
  }

  /** session_started: the first record's time, which may be a record that made no event (asked once the first event is out). */
  start(firstTs: string): string {
    const reported = recordTime(this.#reported()?.startedAt);
    return reported !== undefined && reported < firstTs ? reported : firstTs;
  }

  /** session_ended: the latest time written, or a later last-record time the adapter reports. */
  end(latest: string): string {
    const reported = recordTime(this.#reported()?.endedAt);
    return reported !== undefined && reported > latest ? reported : latest;
  }

  /** For a session none of whose events has a time. */
  fallback(): string {
    const t = this.#reported();
    const known = recordTime(t?.startedAt) ?? recordTime(t?.endedAt);
    if (known !== undefined) return known;
    let latest: string | undefined;
    for (const p of this.#session.sourcePaths) {
      const m = fileTime(p);
      if (m !== undefined && (latest === undefined || m > latest)) latest = m;
    }
    // Only an adapter that gives no time at all and no readable file ends up here.
    return latest ?? new Date().toISOString();
  }

  #reported(): SourceTimes | undefined {
    try {
      return this.#session.sourceTimes?.() ?? sourceTimesOf(this.#session.events);
    } catch {
      // An adapter's times are a hint; the events' own times stand without them.
      return undefined;
    }
  }
}

function startedEvent(session: BackfilledSession): LogEventKind {
  const m = session.metadata;
  return {
    type: 'session_started',
    command: m.command,
    model: m.model ?? null,
    cwd: m.workspacePath ?? null,
    resumed: m.resumed ?? false,
    backfilled: true,
  };
}

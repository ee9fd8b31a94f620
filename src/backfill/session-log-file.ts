import { closeSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { SessionLogError } from '../errors.js';
import { eventBatchesOf, sourceTimesOf } from '../providers/shared/event-batches.js';
import { giveTurnIfDue } from '../tail/turns.js';
import {
  normalizeEventInput,
  serializeEvent,
  type BackfilledSession,
  type EnvelopeInput,
  type LogEventInput,
  type LogEventKind,
  type LogSourceKind,
} from '../schema/index.js';
import { LineBuffer } from './line-buffer.js';

/** How many events between two looks at the abort signal and the clock. */
const CHECK_EVERY = 64;
const MAX_RAW = 2000;

export interface WrittenLog {
  events: number;
  /** When the first and the last line were written (the import). */
  startedAt: string;
  endedAt: string;
  /** When the source session began and was last written, as RFC 3339 UTC, if the adapter knows. */
  sourceStartedAt?: string;
  sourceEndedAt?: string;
}

/** Suffix of the temp files a rebuild writes next to the log; a crashed run's leftovers are removed by the next run. */
export const TEMP_SUFFIX = '.backfill.tmp';

/** RFC 3339 "now", recomputed at most once per millisecond (formatting a date costs more than writing a line). */
class Clock {
  private ms = -1;
  private text = '';
  now(): string {
    const ms = Date.now();
    if (ms !== this.ms) {
      this.ms = ms;
      this.text = new Date(ms).toISOString();
    }
    return this.text;
  }
}

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
 * On any error, or when `signal` aborts while events are read, the temp file
 * is removed and the old log is left untouched.
 */
export async function streamSessionLog(
  session: BackfilledSession,
  logPath: string,
  tmpPath: string,
  signal?: AbortSignal,
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
  const clock = new Clock();
  const out = new LineBuffer();
  let fd: number | null = null;
  let startedAt = '';
  let lastType = '';
  /** Set while a batch is written: its lines share one reading of the clock. */
  let batchTs: string | null = null;

  const push = (source: LogSourceKind, kind: LogEventKind): void => {
    env.seq++;
    env.ts = batchTs ?? clock.now();
    env.source_kind = source;
    if (env.seq === 1) startedAt = env.ts;
    lastType = kind.type;
    out.push(serializeEvent(env, kind));
  };
  const drain = (): void => {
    fd ??= openSync(tmpPath, 'wx');
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

  try {
    checkAbort();
    let first = true;
    const onEvent = (source: LogSourceKind, input: LogEventInput): void => {
      const kind = toKind(input);
      if (first) {
        first = false;
        if (kind.type !== 'session_started') push('backfill', startedEvent(session));
      }
      push(source, kind);
      if (out.full) drain();
    };
    const events = session.events;
    const batches = eventBatchesOf(events);
    let n = 0;
    if (batches) {
      for await (const batch of batches()) {
        batchTs = clock.now();
        for (let i = 0; i < batch.length; i++) {
          const [source, input] = batch[i]!;
          onEvent(source, input);
        }
        batchTs = null;
        checkAbort();
      }
    } else if (Symbol.asyncIterator in events) {
      for await (const [source, input] of events) {
        onEvent(source, input);
        if (++n % CHECK_EVERY === 0) {
          checkAbort();
          await giveTurnIfDue();
        }
      }
    } else {
      for (const [source, input] of events) {
        onEvent(source, input);
        if (++n % CHECK_EVERY === 0) {
          checkAbort();
          await giveTurnIfDue();
        }
      }
    }
    checkAbort();
    if (first) push('backfill', startedEvent(session));
    if (lastType !== 'session_ended') push('wrapper', { type: 'session_ended', success: true, error: null });
    const whole = fd === null ? out.contents() : null;
    if (whole) {
      // The whole log fits in the buffer (most sessions): one call instead of open, write, close.
      writeFileSync(tmpPath, whole, { flag: 'wx' });
    } else {
      drain();
      const done = fd!;
      fd = null;
      closeSync(done);
    }
    out.release();
    renameSync(tmpPath, logPath);
  } catch (err) {
    discard();
    throw wrap(err);
  }
  const times = session.sourceTimes?.() ?? sourceTimesOf(session.events) ?? {};
  const written: WrittenLog = { events: env.seq, startedAt, endedAt: env.ts };
  const sourceStartedAt = utcTime(times.startedAt);
  const sourceEndedAt = utcTime(times.endedAt);
  if (sourceStartedAt !== undefined) written.sourceStartedAt = sourceStartedAt;
  if (sourceEndedAt !== undefined) written.sourceEndedAt = sourceEndedAt;
  return { committed: Promise.resolve(written) };
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

/** A provider timestamp as RFC 3339 UTC, or undefined when it is missing or not a time. */
function utcTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

import { open, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { SessionLogError } from '../errors.js';
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
  startedAt: string;
  endedAt: string;
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

/** A session whose events have all been read; its log is being written in the background. */
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
 * The returned promise resolves as soon as the events are read; the last
 * write, close and rename run in the background (`committed`), so the next
 * session is parsed while this one reaches the disk. For a session smaller
 * than one buffer, all file work happens there.
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
  let fhP: Promise<FileHandle> | undefined;
  let startedAt = '';
  let lastType = '';

  const push = (source: LogSourceKind, kind: LogEventKind): void => {
    env.seq++;
    env.ts = clock.now();
    env.source_kind = source;
    if (env.seq === 1) startedAt = env.ts;
    lastType = kind.type;
    out.push(serializeEvent(env, kind));
  };
  const drain = async (): Promise<void> => {
    await out.drainTo(await (fhP ??= open(tmpPath, 'wx')));
  };
  /** Removes the temp file (if any) and gives the buffer back. */
  const discard = async (): Promise<void> => {
    out.release();
    if (fhP) await fhP.then((fh) => fh.close()).catch(() => undefined);
    await unlink(tmpPath).catch(() => undefined);
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
    };
    const events = session.events;
    let n = 0;
    if (Symbol.asyncIterator in events) {
      for await (const [source, input] of events) {
        onEvent(source, input);
        if (++n % CHECK_EVERY === 0) checkAbort();
        if (out.full) await drain();
      }
    } else {
      for (const [source, input] of events) {
        onEvent(source, input);
        if (++n % CHECK_EVERY === 0) checkAbort();
        if (out.full) await drain();
      }
    }
    checkAbort();
    if (first) push('backfill', startedEvent(session));
    if (lastType !== 'session_ended') push('wrapper', { type: 'session_ended', success: true, error: null });
  } catch (err) {
    await discard();
    throw wrap(err);
  }

  const written: WrittenLog = { events: env.seq, startedAt, endedAt: env.ts };
  const committed = (async () => {
    try {
      const whole = fhP ? null : out.contents();
      if (whole) {
        // The whole log fits in the buffer (most sessions): one call instead of open, write, close.
        await writeFile(tmpPath, whole, { flag: 'wx' });
      } else {
        await drain();
        await (await fhP!).close();
      }
      out.release();
      await rename(tmpPath, logPath);
    } catch (err) {
      await discard();
      throw wrap(err);
    }
    return written;
  })();
  committed.catch(() => undefined); // the caller handles it; never an unhandled rejection meanwhile
  return { committed };
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

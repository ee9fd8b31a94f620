import type { AgentLogEvent } from '../schema/index.js';
import { LineTailer } from '../tail/index.js';
import { SessionLogLineError } from './errors.js';
import { parseLine } from './parse-line.js';
import { FileWaker } from './waker.js';

export interface FollowSessionLogOptions {
  /** Ends the iteration (normally, without an error) when aborted. */
  signal?: AbortSignal;
  /**
   * Start at the first event whose `seq` is at least this (default: the
   * beginning). Everything after it in the file follows, whatever its seq, so
   * lines that zag's `append_event_to_log` writes with seq 0 are not lost.
   */
  fromSeq?: number;
  /** Longest wait between two looks at the file when no change is reported (default 500 ms). */
  pollIntervalMs?: number;
  /** As in `readSessionLog`: `'throw'` (default) or `'skip'` a complete line that is not an event. */
  onInvalid?: 'throw' | 'skip';
  /** Called for each line dropped in `'skip'` mode. */
  onSkip?: (error: SessionLogLineError) => void;
}

/**
 * Yields the events already in a session log, then each new one as another
 * process appends it, until `signal` aborts. Only complete lines are read (a
 * half-written line waits for its newline). Works on a log that does not exist
 * yet: it is picked up when created. Woken by file watching, with a poll
 * fallback. Breaking out of the loop or aborting closes the watcher and file.
 *
 * @example
 * const ac = new AbortController();
 * for await (const ev of followSessionLog(path, { signal: ac.signal })) console.log(ev.seq, ev.type);
 */
export async function* followSessionLog(
  path: string,
  options: FollowSessionLogOptions = {},
): AsyncGenerator<AgentLogEvent, void, undefined> {
  const { signal, fromSeq, pollIntervalMs = 500, onInvalid = 'throw', onSkip } = options;
  if (signal?.aborted) return;
  const tailer = new LineTailer(path);
  const waker = new FileWaker(path, { pollIntervalMs, ...(signal ? { signal } : {}) });
  let started = fromSeq === undefined;
  let lineNo = 0;
  try {
    while (!signal?.aborted) {
      waker.clear();
      const { lines, more } = await tailer.read();
      for (const line of lines) {
        lineNo++;
        const parsed = parseLine(line);
        if (parsed.kind === 'blank') continue;
        if (parsed.kind !== 'event') {
          const error = new SessionLogLineError(path, lineNo, line, parsed.reason);
          if (onInvalid !== 'skip') throw error;
          onSkip?.(error);
          continue;
        }
        if (!started) {
          if (parsed.event.seq < (fromSeq ?? 0)) continue;
          started = true;
        }
        yield parsed.event;
        if (signal?.aborted) return;
      }
      if (lines.length === 0 && !more) await waker.wait();
    }
  } finally {
    await waker.close();
    await tailer.close();
  }
}

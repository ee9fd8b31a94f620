import { SessionLogError } from '../errors.js';
import type { AgentLogEvent } from '../schema/index.js';
import { SessionLogLineError } from './errors.js';
import { readFileLines } from './lines.js';
import { parseLine } from './parse-line.js';

export interface ReadSessionLogOptions {
  signal?: AbortSignal;
  /**
   * What to do with a complete line that is not a valid event:
   * `'throw'` (default) rejects with a {@link SessionLogLineError} (code
   * `ERR_CORRUPT_LINE`, with the line number); `'skip'` drops it and goes on.
   */
  onInvalid?: 'throw' | 'skip';
  /** Called for each line dropped in `'skip'` mode (not for a torn last line). */
  onSkip?: (error: SessionLogLineError) => void;
}

/**
 * Reads a session log as validated events, streaming (memory is bounded by
 * the longest line, not the file). A torn last line (no trailing newline and
 * not JSON: a writer was mid-append) is skipped silently; lines of an unknown
 * `type` are yielded unchanged; blank lines are ignored.
 *
 * Rejects with `ERR_NOT_FOUND` if the file does not exist, `ERR_ABORTED` when
 * `signal` aborts, and `ERR_CORRUPT_LINE` for a bad complete line unless
 * `onInvalid` is `'skip'`.
 *
 * @example
 * for await (const ev of readSessionLog(path)) if (ev.type === 'tool_call') console.log(ev.tool_name);
 */
export async function* readSessionLog(
  path: string,
  options: ReadSessionLogOptions = {},
): AsyncGenerator<AgentLogEvent, void, undefined> {
  const { signal, onInvalid = 'throw', onSkip } = options;
  try {
    signal?.throwIfAborted();
    for await (const { line, lineNo, terminated } of readFileLines(path, signal)) {
      signal?.throwIfAborted();
      const parsed = parseLine(line);
      if (parsed.kind === 'event') {
        yield parsed.event;
        continue;
      }
      if (parsed.kind === 'blank' || (parsed.kind === 'not-json' && !terminated)) continue;
      const error = new SessionLogLineError(path, lineNo, line, parsed.reason);
      if (onInvalid !== 'skip') throw error;
      onSkip?.(error);
    }
  } catch (err) {
    throw toSessionLogError(err, path, signal);
  }
}

function toSessionLogError(err: unknown, path: string, signal: AbortSignal | undefined): unknown {
  if (err instanceof SessionLogError) return err;
  if (signal?.aborted) return new SessionLogError('ERR_ABORTED', `reading ${path} was aborted`, { cause: err });
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new SessionLogError('ERR_NOT_FOUND', `session log not found: ${path}`, { cause: err });
  if (typeof code === 'string') {
    return new SessionLogError('ERR_IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return err;
}

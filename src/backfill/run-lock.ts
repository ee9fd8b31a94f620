import { ensureOwnDir } from '../index-files/own-files.js';
import { join } from 'node:path';
import { SessionLogError } from '../errors.js';
import { properLockfile } from '../lazy-deps.js';

export const RUN_LOCK_NAME = 'backfill.lock';

/** A lock not refreshed for this long belongs to a dead process and is taken over. */
const STALE_MS = 20_000;
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 500;

export interface RunLock {
  /** Set when the lock was lost (e.g. its refresh failed for longer than the stale time). */
  readonly compromised: Error | null;
  release(): Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(signal: AbortSignal): SessionLogError {
  return new SessionLogError('ERR_ABORTED', 'backfill aborted', { cause: signal.reason });
}

/**
 * Takes the cross-process backfill lock of `logsDir` (`<logsDir>/backfill.lock`,
 * proper-lockfile). A second run waits here until the first one is done, then
 * finds everything already imported: each session is imported once. Waiting
 * ends early only when `signal` aborts. A lock left by a crashed process goes
 * stale and is taken over.
 */
export async function acquireRunLock(logsDir: string, signal?: AbortSignal, fileMode?: number): Promise<RunLock> {
  // A logs folder that is a file, or cannot be made: ERR_INVALID_LOGS_DIR, one clear line.
  ensureOwnDir(logsDir, fileMode);
  const lockfilePath = join(logsDir, RUN_LOCK_NAME);
  let compromised: Error | null = null;
  let delay = RETRY_MIN_MS;
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    try {
      const release = await properLockfile().lock(logsDir, {
        lockfilePath,
        realpath: false,
        stale: STALE_MS,
        retries: 0,
        // The default throws from a timer, which would crash the process.
        onCompromised: (err) => {
          compromised = err;
        },
      });
      let released = false;
      return {
        get compromised() {
          return compromised;
        },
        async release() {
          if (released) return;
          released = true;
          await release().catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new SessionLogError('ERR_IO', `cannot lock ${lockfilePath}: ${(err as Error).message}`, { cause: err });
      }
    }
    await sleep(delay, signal);
    delay = Math.min(RETRY_MAX_MS, delay * 2);
  }
}

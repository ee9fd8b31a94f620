import { setTimeout as sleep } from 'node:timers/promises';
import { SessionLogError } from '../errors.js';
import { properLockfile } from '../lazy-deps.js';

/** How long to wait for, and when to break, a cross-process file lock. */
export interface LockOptions {
  /**
   * Give up after this long (ERR_LOCK_TIMEOUT). Default 30 000 ms: eight
   * processes rewriting a 10k-session index queue for a few seconds at worst.
   */
  timeoutMs?: number;
  /**
   * A lock whose holder stopped refreshing it for this long is broken.
   * Default 10 000 ms (proper-lockfile's minimum is 2 000): long enough that a
   * busy event loop never loses its lock, short enough after a SIGKILL.
   */
  staleMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
export const DEFAULT_LOCK_STALE_MS = 10_000;

/**
 * In-process queue per lock path: proper-lockfile polls with mkdir, which is
 * fine across processes but wasteful (and unfair) between two callers in the
 * same process, so those wait on a promise instead.
 */
const localQueues = new Map<string, Promise<unknown>>();

function lockPathOf(file: string): string {
  return `${file}.lock`;
}

async function acquire(file: string, options: LockOptions): Promise<() => void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_LOCK_STALE_MS;
  const deadline = Date.now() + timeoutMs;
  let compromised: Error | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      // The sync variant: a few directory syscalls, far cheaper than async
      // round trips through a busy libuv thread pool. Retries are ours, below.
      const release = properLockfile().lockSync(file, {
        realpath: false,
        lockfilePath: lockPathOf(file),
        stale: staleMs,
        // The default throws from a timer and kills the process; a lock we
        // lost is reported when it is released instead.
        onCompromised: (err: Error) => {
          compromised = err;
        },
      });
      return () => {
        try {
          release();
        } catch {
          // Already released or broken by another process as stale: nothing left to undo.
        }
        if (compromised) {
          throw new SessionLogError('ERR_LOCK_COMPROMISED', `lock on ${file} was lost while held`, {
            cause: compromised,
          });
        }
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED') {
        throw new SessionLogError('ERR_IO', `cannot lock ${file}: ${(err as Error).message}`, { cause: err });
      }
      if (Date.now() >= deadline) {
        throw new SessionLogError('ERR_LOCK_TIMEOUT', `timed out after ${timeoutMs} ms waiting for the lock on ${file}`);
      }
      // Randomized, capped backoff so that many contenders do not poll in step;
      // the cap stays small because critical sections last milliseconds.
      const cap = Math.min(25, 2 * 1.5 ** Math.min(attempt, 10));
      await sleep(1 + Math.random() * cap);
    }
  }
}

/**
 * Runs `fn` while holding a cross-process lock on `file` (a `<file>.lock`
 * directory, via proper-lockfile). The file itself need not exist. The lock is
 * released on every path, including when `fn` throws.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const previous = localQueues.get(file) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const tail = previous.then(() => mine);
  localQueues.set(file, tail);
  try {
    await previous;
    const release = await acquire(file, options);
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      try {
        release();
      } catch {
        // The original error matters more than a lost lock.
      }
      throw err;
    }
    release();
    return result;
  } finally {
    done();
    if (localQueues.get(file) === tail) localQueues.delete(file);
  }
}

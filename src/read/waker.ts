import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { loadChokidar } from '../lazy-deps.js';

export interface FileWakerOptions {
  /** Longest wait without a file-system event; the fallback when watching fails or misses. */
  pollIntervalMs: number;
  signal?: AbortSignal;
}

/**
 * Wakes a follower when one file may have changed. It watches the file's
 * directory (chokidar cannot watch a path that does not exist yet, and a
 * directory watch also sees the file being created or replaced), ignoring
 * every other entry so a busy sessions/ folder costs one watch. A timer is the
 * fallback for file systems where events never arrive (network mounts, an
 * exhausted inotify limit): waiting never takes longer than `pollIntervalMs`.
 */
export class FileWaker {
  readonly #file: string;
  readonly #dir: string;
  readonly #options: FileWakerOptions;
  #watcher: FSWatcher | undefined;
  #dirty = false;
  #wake: (() => void) | undefined;
  #closed = false;
  readonly #onAbort = (): void => this.#fire();

  constructor(file: string, options: FileWakerOptions) {
    this.#file = resolve(file);
    this.#dir = dirname(this.#file);
    this.#options = options;
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Forget earlier wake-ups: call right before reading, so a change during the read is not lost. */
  clear(): void {
    this.#dirty = false;
  }

  /** Resolves on a change since the last `clear()`, after the poll interval, or on abort. Never rejects. */
  async wait(): Promise<void> {
    if (this.#closed || this.#options.signal?.aborted) return;
    await this.#ensureWatching();
    if (this.#dirty || this.#closed || this.#options.signal?.aborted) return;
    await new Promise<void>((done) => {
      const timer = setTimeout(finish, this.#options.pollIntervalMs);
      function finish(): void {
        clearTimeout(timer);
        done();
      }
      this.#wake = finish;
    });
    this.#wake = undefined;
  }

  #fire(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  async #ensureWatching(): Promise<void> {
    if (this.#watcher !== undefined) return;
    // The directory may not exist yet (a log that has not been created); the timer covers that.
    const [exists, chokidar] = await Promise.all([
      stat(this.#dir).then(
        (s) => s.isDirectory(),
        () => false,
      ),
      loadChokidar().catch(() => null),
    ]);
    // Without the watcher's package (it failed to load, e.g. EMFILE), the timer does the waking.
    if (!exists || !chokidar || this.#closed || this.#watcher !== undefined) return;
    const file = this.#file;
    const dir = this.#dir;
    const watcher = chokidar.watch(dir, {
      ignoreInitial: true,
      depth: 0,
      ignored: (p: string) => {
        const abs = resolve(p);
        return abs !== dir && abs !== file;
      },
    });
    watcher.on('all', (_event, p) => {
      if (resolve(p) === file) this.#fire();
    });
    // Watching is an optimisation: on error (e.g. ENOSPC from inotify) the timer still wakes us.
    watcher.on('error', () => undefined);
    this.#watcher = watcher;
    // Changes made before the watch was in place are not reported: wait until
    // it is ready (bounded), then ask for one more read to cover that window.
    await new Promise<void>((done) => {
      const timer = setTimeout(done, this.#options.pollIntervalMs);
      watcher.once('ready', () => {
        clearTimeout(timer);
        done();
      });
    });
    this.#dirty = true;
  }

  /** Stops watching; idempotent. A pending `wait()` resolves. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    this.#wake?.();
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await watcher?.close();
  }
}

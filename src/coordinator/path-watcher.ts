import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FSWatcher } from 'chokidar';

/** Options of {@link PathWatcher}. */
export interface PathWatcherOptions {
  /** Something under a watched path changed (or a new watch just became live). */
  onWake: () => void;
  /**
   * Watching failed (ENOSPC, EMFILE, ELOOP, a filesystem without change
   * notification support...). Called at most once; the watcher has then
   * closed itself for good and the caller relies on its timer alone.
   */
  onFailure: (err: Error) => void;
}

/** Delay of the catch-up wake after the watch set changed (see the class comment). */
export const CATCH_UP_MS = 100;

/** Where the watcher stands. */
export type PathWatcherState = 'idle' | 'watching' | 'failed' | 'closed';

/**
 * Wakes the poll loop when a provider file changes, using chokidar.
 *
 * - Each wanted path is watched where it is, or, while it does not exist yet,
 *   at its nearest existing ancestor folder: creating the file (or a folder on
 *   the way to it) is then a change too, and the next `sync` moves the watch
 *   down. Adapters learn their file late, so `sync` runs after every poll.
 * - Only the exact paths are watched, never what is inside a watched folder
 *   (`ignored` + `depth: 0`): a provider's history folder can hold thousands of
 *   files, and one OS watch each would be slow to set up and could exhaust the
 *   inotify limit. A folder's own watch already reports changes to its files.
 * - Wake-ups come from chokidar's `raw` events, which fire for every OS
 *   notification. Its `change` events are throttled (a second append within
 *   50 ms is dropped) and arrive after an extra stat, so they would both add
 *   latency and lose wake-ups.
 * - A new watch goes live asynchronously (chokidar stats the path and lists a
 *   folder first), and a write in that moment fires no event. So `add` (a
 *   file's watch is live) wakes the loop, and one catch-up wake follows every
 *   change of the watch set after {@link CATCH_UP_MS}; a folder has no "live"
 *   signal at all.
 * - No `awaitWriteFinish`: adapters consume complete lines only, so waiting
 *   for a file to settle would only add delay.
 * - `persistent: false`: watching never keeps the process alive by itself.
 */
export class PathWatcher {
  readonly #options: PathWatcherOptions;
  #watcher: FSWatcher | null = null;
  #targets = new Set<string>();
  #state: PathWatcherState = 'idle';
  #catchUp: NodeJS.Timeout | null = null;

  constructor(options: PathWatcherOptions) {
    this.#options = options;
  }

  get state(): PathWatcherState {
    return this.#state;
  }

  /** What is being watched right now (each wanted path, or its nearest existing folder). */
  get targets(): readonly string[] {
    return [...this.#targets];
  }

  /** Makes the watch set match `paths`. A no-op after failure or close. */
  async sync(paths: readonly string[]): Promise<void> {
    if (this.#state === 'failed' || this.#state === 'closed') return;
    const wanted = new Set(await Promise.all([...new Set(paths.map((p) => resolve(p)))].map(watchTarget)));
    if (this.#isDone()) return;
    const added = [...wanted].filter((p) => !this.#targets.has(p));
    const removed = [...this.#targets].filter((p) => !wanted.has(p));
    if (added.length === 0 && removed.length === 0) return;
    // `ignored` reads this set, so it must hold the new paths before chokidar sees them.
    this.#targets = wanted;
    const watcher = this.#watcher ?? this.#create();
    if (removed.length > 0) watcher.unwatch(removed);
    if (added.length > 0) {
      watcher.add(added);
      this.#scheduleCatchUp();
    }
    this.#state = 'watching';
  }

  /** Stops watching for good. Idempotent. */
  async close(): Promise<void> {
    if (this.#state !== 'failed') this.#state = 'closed';
    await this.#release();
  }

  #isDone(): boolean {
    return this.#state === 'failed' || this.#state === 'closed';
  }

  #create(): FSWatcher {
    const watcher = new FSWatcher({
      persistent: false,
      ignoreInitial: false,
      depth: 0,
      ignored: (path: string) => !this.#targets.has(path),
    });
    const wake = (): void => {
      if (!this.#isDone()) this.#options.onWake();
    };
    watcher.on('raw', wake);
    watcher.on('add', wake);
    watcher.on('error', (err: unknown) => this.#fail(err));
    this.#watcher = watcher;
    return watcher;
  }

  #fail(err: unknown): void {
    if (this.#isDone()) return;
    this.#state = 'failed';
    void this.#release();
    this.#options.onFailure(err instanceof Error ? err : new Error(String(err)));
  }

  #scheduleCatchUp(): void {
    if (this.#catchUp) clearTimeout(this.#catchUp);
    this.#catchUp = setTimeout(() => {
      this.#catchUp = null;
      if (!this.#isDone()) this.#options.onWake();
    }, CATCH_UP_MS);
    this.#catchUp.unref();
  }

  async #release(): Promise<void> {
    if (this.#catchUp) {
      clearTimeout(this.#catchUp);
      this.#catchUp = null;
    }
    const watcher = this.#watcher;
    this.#watcher = null;
    this.#targets = new Set();
    if (watcher) await watcher.close().catch(() => undefined);
  }
}

/**
 * The path itself if it exists, else its nearest existing ancestor. Errors
 * other than "not there" (ELOOP, EACCES) keep the path as it is, so that
 * chokidar meets the same error and watching falls back to the timer.
 */
async function watchTarget(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return current;
    }
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

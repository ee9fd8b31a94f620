import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { loadChokidar } from '../lazy-deps.js';

/** Options of {@link PathWatcher}. */
export interface PathWatcherOptions {
  /**
   * Something under a watched path changed (or a new watch just became live).
   * `path` names the file that changed when the OS said which one (a file in a
   * watched folder, or a watched file); it is null when anything may have
   * changed (a watch just went live, an event without a name). A folder
   * subscriber uses it to read only that file instead of looking at them all.
   */
  onWake: (path: string | null) => void;
  /**
   * Watching failed (ENOSPC, EMFILE, ELOOP, a filesystem without change
   * notification support...). Called at most once; the watcher has then
   * closed itself for good and the caller relies on its timer alone.
   */
  onFailure: (err: Error) => void;
  /**
   * Wake on every 'change' at once, without first comparing the file's size,
   * mtime and inode (default false). For a caller whose look at an unchanged
   * file reads nothing (so cannot update its atime and wake itself again):
   * it saves a stat per event, which is latency on a busy machine.
   */
  skipContentCheck?: boolean;
}

// Signatures kept for files changing under a watched folder (a provider folder can be busy).
const MAX_SEEN = 1024;

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
 * - Each watch set gets its own chokidar instance. After `unwatch(folder)`
 *   chokidar ignores everything below that folder, so a later
 *   `add(folder/file)` on the same instance would silently watch nothing; and
 *   a fresh instance's `ready` says exactly when all of its watches are live.
 *   Watch sets change rarely (discovery, a file deleted or created again).
 * - A new watch goes live asynchronously (chokidar stats the path, lists a
 *   folder), and a write in that moment fires no event. So `ready` wakes the
 *   loop once more, and only then is the previous instance closed: paths in
 *   both sets are never left unwatched in between.
 * - A 'change' wakes only if the file's size, mtime or inode moved: reading a
 *   file may update its atime, which fs.watch also reports, so the poll's own
 *   read must not wake the next poll (see `#wakeIfContentChanged`).
 * - No `awaitWriteFinish`: adapters consume complete lines only, so waiting
 *   for a file to settle would only add delay.
 * - `persistent: false`: watching never keeps the process alive by itself.
 */
export class PathWatcher {
  readonly #options: PathWatcherOptions;
  #watcher: FSWatcher | null = null;
  #targets = new Set<string>();
  #state: PathWatcherState = 'idle';
  /** Instances of earlier watch sets, closed once the current one is live. */
  readonly #retiring = new Set<FSWatcher>();
  /** The wanted paths of the last resolution, joined. */
  #lastKey: string | null = null;
  /** Every wanted path existed at the last resolution (none is stood in for by a folder). */
  #settled = false;
  /** Something was created, deleted or renamed since: resolve again. */
  #dirty = true;
  /** The targets that are folders: their events name a file inside. */
  #folders = new Set<string>();
  /** Last content signature per changed path, to tell writes from atime updates. */
  readonly #seen = new Map<string, string>();

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
    if (this.#isDone()) return;
    const unique = [...new Set(paths.map((p) => resolve(p)))];
    // Sync runs after every poll; in the steady state (same paths, all found,
    // nothing created, deleted or renamed since) it costs no stat at all.
    const key = unique.join('\u0000');
    if (key === this.#lastKey && this.#settled && !this.#dirty) return;
    this.#dirty = false;
    const [resolved, chokidar] = await Promise.all([Promise.all(unique.map(watchTarget)), loadChokidar()]);
    if (this.#isDone()) return;
    this.#lastKey = key;
    this.#settled = resolved.every((target, i) => target.path === unique[i]);
    const wanted = new Set(resolved.map((t) => t.path));
    const added = [...wanted].filter((p) => !this.#targets.has(p));
    const removed = [...this.#targets].filter((p) => !wanted.has(p));
    if (added.length === 0 && removed.length === 0) return;
    this.#targets = wanted;
    this.#folders = new Set(resolved.filter((t) => t.isDir).map((t) => t.path));
    this.#seen.clear();
    // Known content, so the first atime-only 'change' of a target is not mistaken for a write.
    for (const t of resolved) if (t.signature !== null) this.#seen.set(t.path, t.signature);
    if (this.#watcher) this.#retiring.add(this.#watcher);
    this.#watcher = wanted.size > 0 ? this.#create(chokidar, wanted) : null;
    if (!this.#watcher) this.#closeRetiring();
    this.#state = this.#watcher ? 'watching' : 'idle';
  }

  /** Stops watching for good. Idempotent. */
  async close(): Promise<void> {
    if (this.#state !== 'failed') this.#state = 'closed';
    await this.#release();
  }

  #isDone(): boolean {
    return this.#state === 'failed' || this.#state === 'closed';
  }

  #create(chokidar: typeof import('chokidar'), targets: ReadonlySet<string>): FSWatcher {
    const watcher = new chokidar.FSWatcher({
      persistent: false,
      ignoreInitial: false,
      depth: 0,
      ignored: (path: string) => !targets.has(path),
    });
    const wake = (path: string | null = null): void => {
      if (!this.#isDone()) this.#options.onWake(path);
    };
    watcher.on('raw', (event: string, name: string, opts: unknown) => {
      const watched = (opts as { watchedPath?: unknown } | undefined)?.watchedPath;
      const changed =
        typeof watched !== 'string' || !name ? null : this.#folders.has(watched) ? join(watched, name) : watched;
      // fs.watch says 'rename' for anything that can move a target (create, delete, rename).
      if (event !== 'change') {
        this.#dirty = true;
        wake(changed);
        return;
      }
      if (changed === null) {
        wake();
        return;
      }
      if (this.#options.skipContentCheck) wake(changed);
      else void this.#wakeIfContentChanged(changed, wake);
    });
    watcher.on('unlink', () => {
      this.#dirty = true;
    });
    watcher.once('ready', () => {
      if (watcher !== this.#watcher) return; // superseded: a newer instance retires it
      this.#closeRetiring();
      wake();
    });
    watcher.on('error', (err: unknown) => {
      // A replaced instance that is closing has nothing left to say.
      if (watcher === this.#watcher) this.#fail(err);
    });
    watcher.add([...targets]);
    return watcher;
  }

  /**
   * fs.watch also reports atime updates as 'change', and reading a file can
   * update its atime: without this check the poll's own read would wake the
   * next poll, and on a strictatime mount that would never stop. So a
   * 'change' only wakes when size, mtime or inode moved (or on first sight).
   */
  async #wakeIfContentChanged(path: string, wake: (path: string | null) => void): Promise<void> {
    const signature = await contentSignature(path);
    const previous = this.#seen.get(path);
    if (signature !== null && previous === signature) return;
    // Gone, or another inode: a file deleted while someone still holds it open
    // reports only this 'change' (its link count dropped), never a 'rename'.
    if (signature === null || (previous !== undefined && inode(previous) !== inode(signature))) this.#dirty = true;
    if (this.#seen.size >= MAX_SEEN) this.#seen.clear();
    if (signature === null) this.#seen.delete(path);
    else this.#seen.set(path, signature);
    wake(path);
  }

  #fail(err: unknown): void {
    if (this.#isDone()) return;
    this.#state = 'failed';
    void this.#release();
    this.#options.onFailure(err instanceof Error ? err : new Error(String(err)));
  }

  #closeRetiring(): void {
    for (const old of this.#retiring) void old.close().catch(() => undefined);
    this.#retiring.clear();
  }

  async #release(): Promise<void> {
    const closing = [...this.#retiring, ...(this.#watcher ? [this.#watcher] : [])];
    this.#retiring.clear();
    this.#watcher = null;
    this.#targets = new Set();
    await Promise.all(closing.map((w) => w.close().catch(() => undefined)));
  }
}

interface WatchTarget {
  path: string;
  isDir: boolean;
  /** Content signature of a file target when it was resolved. */
  signature: string | null;
}

/**
 * The path itself if it exists, else its nearest existing ancestor. Errors
 * other than "not there" (ELOOP, EACCES) keep the path as it is, so that
 * chokidar meets the same error and watching falls back to the timer.
 */
async function watchTarget(path: string): Promise<WatchTarget> {
  let current = path;
  for (;;) {
    try {
      const st = await stat(current);
      return st.isDirectory()
        ? { path: current, isDir: true, signature: null }
        : { path: current, isDir: false, signature: signatureOf(st) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { path: current, isDir: false, signature: null };
    }
    const parent = dirname(current);
    if (parent === current) return { path: current, isDir: true, signature: null };
    current = parent;
  }
}

function inode(signature: string): string {
  return signature.slice(0, signature.indexOf(':'));
}

/** What a content change looks like from outside; atime and ctime are left out on purpose. */
function signatureOf(st: Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

async function contentSignature(path: string): Promise<string | null> {
  try {
    return signatureOf(await stat(path));
  } catch {
    return null;
  }
}

import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PathWatcher } from '../coordinator/path-watcher.js';
import { SessionLogLineError } from '../read/index.js';
import { parseLine } from '../read/parse-line.js';
import { feedLayout, type FeedScope } from './folders.js';
import { LogCursor } from './log-cursor.js';
import type { FeedOptions, SessionEventFeed, SessionStreamItem, SubscribedSession } from './types.js';

/** Look at every log this often when change notifications work (they are the fast path). */
const WATCHED_POLL_MS = 10_000;
/** And this often when they do not (ENOSPC, a network mount). */
const UNWATCHED_POLL_MS = 1_000;

interface Tracked {
  session: SubscribedSession;
  cursor: LogCursor;
  /** Lines read so far, for the line number of a bad line. */
  lineNo: number;
}

/**
 * Reads the session logs of one or more `sessions/` folders as one stream.
 *
 * One PathWatcher watches the folders themselves (one OS watch per folder,
 * whatever the number of logs in it) and says which file changed, so a write
 * costs one read of that file only. Every known log is also looked at on a
 * timer (one stat each), which catches what notifications miss; it is slow
 * while watching works, so a thousand idle sessions cost almost nothing.
 * Reading is pulled by `next()`: a slow consumer slows the reads down instead
 * of piling events up in memory.
 */
export class FolderFeed implements SessionEventFeed {
  readonly #scope: FeedScope;
  readonly #options: FeedOptions;
  readonly #sessions = new Map<string, Tracked>();
  /** Logs with something new to read, in the order they were reported. */
  readonly #dirty = new Set<string>();
  #dirs = new Map<string, string | null>();
  #discoveryPaths: string[] = [];
  #watcher: PathWatcher | null = null;
  #watching = true;
  #needScan = false;
  #needSweep = false;
  #items: SessionStreamItem[] = [];
  #wake: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #waiting = false;
  #started: Promise<void> | null = null;
  #closed = false;
  readonly #onAbort = (): void => void this.close();

  constructor(scope: FeedScope, options: FeedOptions) {
    this.#scope = scope;
    this.#options = options;
  }

  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const { signal } = this.#options;
    if (signal?.aborted) return void (await this.close());
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    await this.#scan(!this.#options.fromStart);
    if (this.#closed) return;
    this.#watcher = new PathWatcher({
      onWake: (p) => this.#onWake(p),
      // A look at a log that did not grow is open + fstat, no read: it cannot touch the atime and wake us again.
      skipContentCheck: true,
      onFailure: () => {
        // Notifications are gone for good: the timer becomes the fast path.
        this.#watching = false;
        this.#armTimer();
      },
    });
    await this.#syncWatch();
    this.#armTimer();
  }

  async next(): Promise<SessionStreamItem | null> {
    await this.start();
    for (;;) {
      if (this.#closed) return null;
      const item = this.#items.shift();
      if (item) return item;
      if (this.#needScan) {
        this.#needScan = false;
        await this.#scan(false);
        await this.#syncWatch();
        this.#needSweep = true;
      }
      if (this.#needSweep) {
        this.#needSweep = false;
        await this.#sweep();
        continue;
      }
      const first = this.#dirty.values().next();
      if (!first.done) {
        this.#dirty.delete(first.value);
        await this.#readOne(first.value);
        continue;
      }
      // A consumer waiting in a loop keeps the process alive, as any pending read would.
      this.#waiting = true;
      this.#timer?.ref();
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
      this.#waiting = false;
      this.#timer?.unref();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#wake?.();
    this.#items = [];
    await this.#watcher?.close();
  }

  #poke(): void {
    this.#wake?.();
  }

  #onWake(p: string | null): void {
    if (p === null) {
      this.#needScan = true;
    } else if (this.#sessions.has(p)) {
      this.#dirty.add(p);
    } else if (this.#dirs.has(path.dirname(p))) {
      // A new log in a known folder starts at its first line; other files there (.owner, .lock) say nothing.
      if (p.endsWith('.jsonl')) this.#track(p, LogCursor.atStart(p));
    } else {
      // The global index, projects/, or a folder on the way to a sessions folder changed.
      this.#needScan = true;
    }
    this.#poke();
  }

  #armTimer(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    const ms = this.#options.pollIntervalMs ?? (this.#watching ? WATCHED_POLL_MS : UNWATCHED_POLL_MS);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#needScan = true;
      this.#poke();
      this.#armTimer();
    }, ms);
    // Only a consumer waiting for the next event keeps the process alive, not a forgotten subscription.
    if (!this.#waiting) this.#timer.unref();
  }

  async #syncWatch(): Promise<void> {
    if (!this.#watcher || this.#closed) return;
    const paths: string[] = [];
    for (const dir of this.#dirs.keys()) paths.push(dir);
    for (const p of this.#discoveryPaths) paths.push(p);
    await this.#watcher.sync(paths);
  }

  /** Finds the folders and their logs. `atEnd`: the logs found now start after their last line. */
  async #scan(atEnd: boolean): Promise<void> {
    const layout = await feedLayout(this.#scope);
    this.#dirs = layout.sessionsDirs;
    this.#discoveryPaths = layout.discoveryPaths;
    for (const dir of this.#dirs.keys()) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        if (this.#closed) return;
        if (!name.endsWith('.jsonl')) continue;
        const file = path.join(dir, name);
        if (this.#sessions.has(file)) continue;
        this.#track(file, atEnd ? await LogCursor.atEnd(file) : LogCursor.atStart(file));
      }
    }
  }

  #track(file: string, cursor: LogCursor): void {
    if (this.#sessions.has(file)) return;
    const dir = path.dirname(file);
    const session = { id: path.basename(file, '.jsonl'), logPath: file, project: this.#dirs.get(dir) ?? null };
    this.#sessions.set(file, { session, cursor, lineNo: 0 });
    this.#dirty.add(file);
  }

  /** One stat per known log: those that grew (or shrank) are read. */
  async #sweep(): Promise<void> {
    for (const [file, tracked] of this.#sessions) {
      if (this.#closed) return;
      // One stat each, synchronous: a thousand of them take a few milliseconds, far less than as many thread-pool trips.
      const st = statSync(file, { throwIfNoEntry: false });
      if (st === undefined) {
        this.#sessions.delete(file);
        this.#dirty.delete(file);
      } else if (st.size !== tracked.cursor.offset) {
        this.#dirty.add(file);
      }
    }
  }

  async #readOne(file: string): Promise<void> {
    const tracked = this.#sessions.get(file);
    if (!tracked) return;
    const { lines, more, reset } = tracked.cursor.read();
    if (reset) tracked.lineNo = 0;
    if (more) this.#dirty.add(file);
    const { types, providers, onSkip } = this.#options;
    for (const line of lines) {
      tracked.lineNo++;
      const parsed = parseLine(line);
      if (parsed.kind === 'blank') continue;
      if (parsed.kind !== 'event') {
        onSkip?.(new SessionLogLineError(file, tracked.lineNo, line, parsed.reason));
        continue;
      }
      const event = parsed.event;
      if (types && !types.has(event.type)) continue;
      if (providers && !providers.has(event.provider)) continue;
      this.#items.push({ session: tracked.session, event });
    }
  }
}

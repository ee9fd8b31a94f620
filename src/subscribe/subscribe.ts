import { SessionLogError } from '../errors.js';
import { logsDir as defaultLogsDir, zagBaseDir } from '../paths/index.js';
import { isKnownEventType } from '../schema/index.js';
import { FolderFeed } from './folder-feed.js';
import { StoreFeed } from './store-feed.js';
import type { SessionEventFeed, SessionStreamItem, SubscribeSessionLogsOptions } from './types.js';

/**
 * A live subscription: an async iterable of `{ session, event }`, plus
 * `ready` (resolves once the starting point of every session is fixed and
 * watching has begun: what is written after it is delivered) and `close()`.
 * It can be iterated once.
 */
export interface SessionLogSubscription extends AsyncIterable<SessionStreamItem> {
  readonly ready: Promise<void>;
  /** Stops the subscription; idempotent. A loop over it then ends normally. */
  close(): Promise<void>;
}

/**
 * Every event of every session in a logs folder (or, with `allProjects`, in
 * every project the global index knows), as each is written, including the
 * sessions that start after subscribing. By default a subscriber starts at
 * the moment of the call: events already in the logs are not replayed
 * (`fromStart: true` replays them first); a session that appears later is
 * read from its first event. Events of one session come in file order.
 *
 * The subscription begins at the call, not at the first `next()`, so an
 * event written between the call and the loop is not lost; `await sub.ready`
 * to know the starting points are fixed. Breaking out of the loop, `close()`
 * or aborting `signal` stops it; aborting ends the loop without an error.
 * Lines that are not valid events are skipped (see `onSkip`).
 *
 * Rejects (synchronously, with ERR_INVALID_OPTION) an unknown event type.
 *
 * @example
 * const sub = subscribeSessionLogs({ types: ['tool_call'], signal });
 * for await (const { session, event } of sub) console.log(session.id, event.tool_name);
 */
export function subscribeSessionLogs(options: SubscribeSessionLogsOptions = {}): SessionLogSubscription {
  const types = options.types ? new Set(options.types) : undefined;
  for (const t of types ?? []) {
    if (!isKnownEventType(t)) throw new SessionLogError('ERR_INVALID_OPTION', `unknown event type '${t}'`);
  }
  const providerList = typeof options.provider === 'string' ? [options.provider] : options.provider;
  const providers = providerList ? new Set(providerList) : undefined;
  const scope = options.allProjects
    ? { kind: 'all' as const, baseDir: zagBaseDir(options.home !== undefined ? { home: options.home } : {}) }
    : {
        kind: 'logsDir' as const,
        logsDir: options.logsDir ?? defaultLogsDir(null, options.home !== undefined ? { home: options.home } : {}),
      };
  const feedOptions = {
    fromStart: options.fromStart === true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(types ? { types } : {}),
    ...(providers ? { providers } : {}),
    ...(options.onSkip ? { onSkip: options.onSkip } : {}),
  };
  const feed: SessionEventFeed = options.store ? new StoreFeed(options.store, feedOptions) : new FolderFeed(scope, feedOptions);
  return new Subscription(feed);
}

class Subscription implements SessionLogSubscription {
  readonly #feed: SessionEventFeed;
  readonly ready: Promise<void>;
  #iterated = false;

  constructor(feed: SessionEventFeed) {
    this.#feed = feed;
    this.ready = feed.start();
    // Errors surface through the loop (or `ready` for whoever awaits it).
    this.ready.catch(() => undefined);
  }

  close(): Promise<void> {
    return this.#feed.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<SessionStreamItem> {
    if (this.#iterated) throw new SessionLogError('ERR_INVALID_OPTION', 'a subscription can be iterated only once');
    this.#iterated = true;
    return this.#run();
  }

  async *#run(): AsyncGenerator<SessionStreamItem, void, undefined> {
    try {
      for (;;) {
        const item = await this.#feed.next();
        if (item === null) return;
        yield item;
      }
    } finally {
      await this.#feed.close();
    }
  }
}

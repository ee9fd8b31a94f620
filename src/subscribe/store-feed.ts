import type { SessionLogStore, StoreFeedEvent } from '../sessions/types.js';
import type { FeedOptions, SessionEventFeed, SessionStreamItem } from './types.js';

/**
 * A subscription fed by a store (every machine's sessions). The store does
 * the live part (LISTEN/NOTIFY, polling, reconnecting from its cursor); this
 * adapts its events to `{ session, event }` and fixes the starting point in
 * `start()`, so `ready` means what it means for a folder.
 */
export class StoreFeed implements SessionEventFeed {
  readonly #store: SessionLogStore;
  readonly #options: FeedOptions;
  readonly #abort = new AbortController();
  #iterator: AsyncIterator<SessionStreamItem> | null = null;
  #started: Promise<void> | null = null;
  #closed = false;
  readonly #onAbort = (): void => void this.close();

  constructor(store: SessionLogStore, options: FeedOptions) {
    this.#store = store;
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
    const from = this.#options.fromStart ? 'start' : await this.#store.subscribeCursor();
    if (this.#closed) return;
    const providers = this.#options.providers;
    // One provider can be filtered by the store; several are filtered here.
    const provider = providers && providers.size === 1 ? [...providers][0]! : undefined;
    const types = this.#options.types ? [...this.#options.types] : undefined;
    const events = this.#store.subscribe({
      from,
      signal: this.#abort.signal,
      ...(types ? { types } : {}),
      ...(provider !== undefined ? { provider } : {}),
    });
    this.#iterator = this.#items(events)[Symbol.asyncIterator]();
  }

  async *#items(events: AsyncIterable<StoreFeedEvent>): AsyncGenerator<SessionStreamItem> {
    const { types, providers } = this.#options;
    for await (const e of events) {
      if (types && !types.has(e.event.type)) continue;
      if (providers && !providers.has(e.event.provider)) continue;
      yield {
        session: {
          id: e.event.wrapper_session_id,
          logPath: e.log_path ?? '',
          project: e.project ?? null,
          machine: e.machine,
        },
        event: e.event,
      };
    }
  }

  async next(): Promise<SessionStreamItem | null> {
    await this.start();
    if (this.#closed || this.#iterator === null) return null;
    const r = await this.#iterator.next();
    return r.done || this.#closed ? null : r.value;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    // The store's subscription ends at its next wait once aborted; its connection is released then.
    this.#abort.abort();
    await this.#iterator?.return?.().catch(() => undefined);
  }
}

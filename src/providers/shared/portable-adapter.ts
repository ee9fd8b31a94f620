/**
 * Internal, like EVENT_SOURCE (see event-batches.ts): how to make the same
 * historical adapter again in another thread. A built-in adapter answers
 * with its module, a factory exported from it, and structured-cloneable
 * arguments; `runBackfill` then runs the whole import in a worker thread
 * (see backfill/run-thread.ts). The arguments carry the directories the
 * adapter already resolved, so the copy reads the same files even where the
 * thread's environment differs (a worker copies `process.env` when it starts).
 */
export const ADAPTER_SOURCE: unique symbol = Symbol('agent-session-log.adapterSource');

export interface PortableAdapter {
  module: string;
  /** A function exported by `module` that returns the adapter, called with `args`. */
  name: string;
  args: readonly unknown[];
}

/** The portable description of `adapter`, when it offers one. */
export function portableAdapterOf(adapter: object): PortableAdapter | undefined {
  const p = (adapter as { [ADAPTER_SOURCE]?: PortableAdapter })[ADAPTER_SOURCE];
  return p && typeof p.module === 'string' && typeof p.name === 'string' && Array.isArray(p.args) ? p : undefined;
}

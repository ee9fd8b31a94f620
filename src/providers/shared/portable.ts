import { SessionLogError } from '../../errors.js';

/**
 * A function call another thread can make again: import `module`, call its
 * export `name` with `args` (structured-cloneable). Internal: how this
 * package's adapters (ADAPTER_SOURCE) and their sessions' events
 * (EVENT_SOURCE, see event-batches.ts) are recreated in the import threads.
 */
export interface PortableCall {
  module: string;
  name: string;
  args: readonly unknown[];
}

/** `value` when it is a well-formed PortableCall, else undefined. */
export function asPortableCall(value: unknown): PortableCall | undefined {
  const p = value as Partial<PortableCall> | null | undefined;
  return p && typeof p.module === 'string' && typeof p.name === 'string' && Array.isArray(p.args) ? (p as PortableCall) : undefined;
}

/** Makes the call, with `extra` arguments after its own. */
export async function callPortable(call: PortableCall, ...extra: unknown[]): Promise<unknown> {
  const mod = (await import(call.module)) as Record<string, unknown>;
  const fn = mod[call.name];
  if (typeof fn !== 'function') throw new SessionLogError('ERR_IO', `${call.module} has no function ${call.name}`);
  return (fn as (...args: unknown[]) => unknown)(...call.args, ...extra);
}

/**
 * How to make the same historical adapter again in another thread: a factory
 * exported by the adapter's module, with the directories the adapter already
 * resolved as arguments, so the copy reads the same files even where the
 * thread's environment differs (a worker copies `process.env` when it starts).
 * `runBackfill` runs an import in a worker thread when every adapter has one
 * (see backfill/run-thread.ts).
 */
export const ADAPTER_SOURCE: unique symbol = Symbol('agent-session-log.adapterSource');

/** The portable description of `adapter`, when it offers one. */
export function portableAdapterOf(adapter: object): PortableCall | undefined {
  return asPortableCall((adapter as { [ADAPTER_SOURCE]?: unknown })[ADAPTER_SOURCE]);
}

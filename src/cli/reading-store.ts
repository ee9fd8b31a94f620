import type { PostgresStore, StoreSession } from '../postgres/index.js';
import { SessionLogError } from '../errors.js';
import { stringOpt, type CommandArgs, type OptionSpec } from './command.js';
import type { CliIO } from './io.js';
import { openCliStore } from './store-options.js';

/** The options of the reading commands that can read a store instead of the logs folder. */
export const READ_STORE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  store: {
    type: 'string',
    value: 'url',
    description: "read every machine's sessions from this PostgreSQL store (default: $ASL_STORE_URL unless --logs-dir is given)",
  },
  machine: {
    type: 'string',
    value: 'name',
    description: 'the machine whose session an id means when several machines have it (default: $ASL_MACHINE, else the host name)',
  },
};

/**
 * The store a reading command reads, or null for the logs folder. `--store`
 * wins; `$ASL_STORE_URL` applies unless a folder was named with --logs-dir.
 * Only then is the store module (and the optional `pg` client) loaded. The
 * store is opened without migrating: reading must not change a schema, and a
 * read-only role could not.
 */
export async function readingStore(io: CliIO, args: CommandArgs, command: string): Promise<PostgresStore | null> {
  if (stringOpt(args, 'store') === undefined) {
    if (!io.env.ASL_STORE_URL || args.values['logs-dir'] !== undefined) return null;
  }
  return openCliStore(io, args, 'store', command, false);
}

/**
 * The session a command-line id means in a store, like `findSession` for a
 * folder: an exact wrapper or provider id, else a unique prefix (of the
 * wrapper id first). When several machines have it, this machine's (--machine)
 * is taken; otherwise ERR_AMBIGUOUS_ID names them as machine/id.
 */
export async function findStoreSession(store: PostgresStore, query: string): Promise<StoreSession> {
  const found = await store.findSessions(query);
  const exact = found.filter((s) => s.wrapper_session_id === query || s.provider_session_id === query);
  const byId = found.filter((s) => s.wrapper_session_id.startsWith(query));
  let candidates = exact.length > 0 ? exact : byId.length > 0 ? byId : found;
  if (candidates.length > 1) {
    const mine = candidates.filter((s) => s.machine === store.machine);
    if (mine.length > 0) candidates = mine;
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new SessionLogError('ERR_NOT_FOUND', `no session matches '${query}' in ${store.displayUrl}`);
  const names = candidates.slice(0, 5).map((s) => `${s.machine}/${s.wrapper_session_id}`);
  const more = candidates.length > 5 ? ', and more' : '';
  throw new SessionLogError(
    'ERR_AMBIGUOUS_ID',
    `'${query}' matches ${candidates.length} sessions: ${names.join(', ')}${more}; give more of the id, or --machine`,
  );
}

/** Runs `fn` with the store (or null) and closes the store afterwards, whatever happens. */
export async function withReadingStore<T>(io: CliIO, args: CommandArgs, command: string, fn: (store: PostgresStore | null) => Promise<T>): Promise<T> {
  const store = await readingStore(io, args, command);
  try {
    return await fn(store);
  } finally {
    await store?.close();
  }
}

import type * as PgModule from 'pg';
import { SessionLogError } from '../errors.js';
import { redactSecrets, type ResolvedStoreOptions } from './options.js';

export type Pg = typeof PgModule;
export type CopyFrom = (text: string) => PgModule.Submittable & NodeJS.WritableStream;

let pgPromise: Promise<Pg> | null = null;
let copyPromise: Promise<CopyFrom> | null = null;

/**
 * `pg` is an optional peer dependency: the core never loads it, and the store
 * loads it on first use so that a missing install is one clear error.
 */
export function loadPg(): Promise<Pg> {
  pgPromise ??= import('pg').then(
    (m) => ((m as unknown as { default?: Pg }).default ?? m) as Pg,
    (err: unknown) => {
      pgPromise = null;
      throw missing('pg', err);
    },
  );
  return pgPromise;
}

export function loadCopyFrom(): Promise<CopyFrom> {
  copyPromise ??= import('pg-copy-streams').then(
    (m) => {
      const mod = ((m as { default?: unknown }).default ?? m) as { from: CopyFrom };
      return mod.from;
    },
    (err: unknown) => {
      copyPromise = null;
      throw missing('pg-copy-streams', err);
    },
  );
  return copyPromise;
}

function missing(name: string, cause: unknown): SessionLogError {
  return new SessionLogError(
    'ERR_STORE',
    `the PostgreSQL store needs the optional package '${name}': npm install pg pg-copy-streams`,
    { cause },
  );
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running, and is the port right?)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by the server',
  '28P01': 'password authentication failed',
  '28000': 'the server refused this role or host',
  '3D000': 'the database does not exist',
  '42501': 'permission denied',
};

/** What went wrong, in words, with the password hidden. */
export function dbMessage(opts: ResolvedStoreOptions, err: unknown): string {
  if (err instanceof SessionLogError) return redactSecrets(err.message, opts);
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  let message = e?.message || (Array.isArray(e?.errors) && e.errors.length > 0 ? String((e.errors[0] as Error).message) : String(err));
  const hint = e?.code ? HINTS[e.code] : undefined;
  if (hint && !message.toLowerCase().includes(hint.split(' (')[0]!)) message = `${hint}: ${message}`;
  return redactSecrets(message, opts);
}

/** Turns a driver error into ERR_STORE naming the store (password hidden) and what went wrong. */
export function storeError(opts: ResolvedStoreOptions, doing: string, err: unknown): SessionLogError {
  if (err instanceof SessionLogError) return err;
  return new SessionLogError('ERR_STORE', `${doing} ${opts.displayUrl}: ${dbMessage(opts, err)}`, { cause: redactCause(opts, err) });
}

/** The driver's error may carry the URL; keep only its code and a redacted message. */
function redactCause(opts: ResolvedStoreOptions, err: unknown): Error {
  const e = new Error(dbMessage(opts, err));
  (e as Error & { code?: string }).code = (err as { code?: string })?.code;
  return e;
}

/** True for errors after which retrying later may work (server down, connection lost). */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  if (code === undefined) return true;
  if (/^(08|57P|53)/.test(code)) return true;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code);
}

import os from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import { SessionLogError } from '../errors.js';

/** TLS settings, passed to the client as they are (`true` = TLS with the system's CAs). */
export type StoreTls = boolean | ConnectionOptions;

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/db`; default `$ASL_STORE_URL`. */
  connectionString?: string;
  /** This machine's name in the store; default `$ASL_MACHINE`, else the host name. */
  machine?: string;
  /** TLS options, passed through to the client. Default: what the URL says (`?sslmode=`). */
  ssl?: StoreTls;
  /** Connections in the pool (default 4). */
  maxConnections?: number;
  /** Apply pending migrations when the store is opened (default true); false only checks the connection. */
  migrate?: boolean;
  /** Where problems that are not fatal go (a row failing the schema…). Default: `process.emitWarning`. */
  onWarning?: (warning: StoreWarning) => void;
  /** Environment to read `ASL_STORE_URL` / `ASL_MACHINE` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** Something the store skipped and reports instead of failing. */
export interface StoreWarning {
  code: 'invalid_row' | 'invalid_line';
  message: string;
  machine?: string;
  wrapper_session_id?: string;
  seq?: number;
}

export interface ResolvedStoreOptions {
  connectionString: string;
  /** The URL with its password replaced by `***`: the only form ever printed. */
  displayUrl: string;
  password: string | null;
  machine: string;
  ssl: StoreTls | undefined;
  maxConnections: number;
  migrate: boolean;
  onWarning: (warning: StoreWarning) => void;
}

const MAX_MACHINE_BYTES = 200;

/** Resolves `openPostgresStore`'s argument; a bad URL is ERR_INVALID_OPTION with the password hidden. */
export function resolveStoreOptions(arg: string | PostgresStoreOptions | undefined): ResolvedStoreOptions {
  const opts: PostgresStoreOptions = typeof arg === 'string' ? { connectionString: arg } : (arg ?? {});
  const env = opts.env ?? process.env;
  const connectionString = opts.connectionString ?? env.ASL_STORE_URL;
  if (connectionString === undefined || connectionString.trim() === '') {
    throw new SessionLogError('ERR_INVALID_OPTION', 'no store given: pass a postgres:// URL or set ASL_STORE_URL');
  }
  const parsed = parseStoreUrl(connectionString);
  const machine = opts.machine ?? (env.ASL_MACHINE || os.hostname());
  checkMachine(machine);
  return {
    connectionString,
    displayUrl: parsed.displayUrl,
    password: parsed.password,
    machine,
    ssl: opts.ssl,
    maxConnections: opts.maxConnections ?? 4,
    migrate: opts.migrate ?? true,
    onWarning: opts.onWarning ?? defaultWarning,
  };
}

function defaultWarning(w: StoreWarning): void {
  process.emitWarning(w.message, { code: `ASL_STORE_${w.code.toUpperCase()}` });
}

export function checkMachine(machine: string): void {
  if (typeof machine !== 'string' || machine.trim() === '' || Buffer.byteLength(machine) > MAX_MACHINE_BYTES || machine.includes('\0')) {
    throw new SessionLogError('ERR_INVALID_OPTION', `invalid machine name ${JSON.stringify(String(machine).slice(0, 40))}: 1 to 200 bytes, no NUL`);
  }
}

/**
 * Only URLs are accepted (not libpq's `key=value` form) so that the password
 * has exactly one place we know how to hide.
 */
export function parseStoreUrl(text: string): { displayUrl: string; password: string | null } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SessionLogError('ERR_INVALID_OPTION', `invalid store URL ${redactLoose(text)}: expected postgres://user:password@host:port/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new SessionLogError(
      'ERR_INVALID_OPTION',
      `invalid store URL ${redactUrl(url)}: the scheme must be postgres:// or postgresql://, not ${url.protocol}//`,
    );
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new SessionLogError('ERR_INVALID_OPTION', `invalid store URL ${redactUrl(url)}: no host`);
  }
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  return { displayUrl: redactUrl(url), password };
}

function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  for (const key of ['password', 'sslpassword']) if (copy.searchParams.has(key)) copy.searchParams.set(key, '***');
  return copy.href.replace('%2A%2A%2A', '***');
}

/** For text that is not even a URL: hide whatever sits between `:` and `@`, and `password=` values. */
export function redactLoose(text: string): string {
  return JSON.stringify(text.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^\s&]*/gi, '$1***'));
}

/** Removes the password from any text (a driver's error message may quote it). */
export function redactSecrets(text: string, options: Pick<ResolvedStoreOptions, 'password' | 'connectionString' | 'displayUrl'>): string {
  let out = text.split(options.connectionString).join(options.displayUrl);
  if (options.password) {
    out = out.split(options.password).join('***');
    const encoded = encodeURIComponent(options.password);
    if (encoded !== options.password) out = out.split(encoded).join('***');
  }
  return out;
}

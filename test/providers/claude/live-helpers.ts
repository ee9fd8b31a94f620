import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  normalizeEventInput,
  readSessionLog,
  SessionLogCoordinator,
  type AgentLogEvent,
  type LiveLogContext,
} from '../../../src/index.js';
import { ClaudeHistoricalLogAdapter, ClaudeLiveLogAdapter } from '../../../src/providers/index.js';
import { collect } from './helpers.js';

const ENVELOPE = ['seq', 'ts', 'provider', 'wrapper_session_id', 'provider_session_id', 'source_kind', 'completeness'];
const WRAPPER_TYPES = new Set(['session_started', 'session_ended', 'heartbeat']);

/** An event without envelope (seq, ts, source kind...), for live-vs-backfill comparison. */
export function bare(event: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (!ENVELOPE.includes(k)) out[k] = v;
  return out;
}

/** A fresh fake home with an empty `.claude/projects`. */
export async function fakeHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'claude-live-'));
  await mkdir(join(home, '.claude', 'projects'), { recursive: true });
  return home;
}

export interface LiveRun {
  coordinator: SessionLogCoordinator;
  adapter: ClaudeLiveLogAdapter;
  /** Every event written so far (live view through onLogEvent). */
  seen: AgentLogEvent[];
  /** Ends the session and returns the provider events of the log (wrapper events dropped), envelope stripped. */
  finish(): Promise<Array<Record<string, unknown>>>;
}

/** Starts a real coordinator with a Claude live adapter, polling fast. */
export async function startLive(ctx: LiveLogContext): Promise<LiveRun> {
  const logsDir = await mkdtemp(join(tmpdir(), 'claude-logs-'));
  const seen: AgentLogEvent[] = [];
  const adapter = new ClaudeLiveLogAdapter(ctx);
  const coordinator = await SessionLogCoordinator.start(
    logsDir,
    { provider: 'claude', wrapperSessionId: 'live-session', command: 'run', workspacePath: ctx.workspacePath ?? null },
    {
      liveAdapter: adapter,
      pollIntervalMs: 15,
      heartbeatIntervalMs: 3_600_000,
      onLogEvent: (e) => seen.push(e),
    },
  );
  return {
    coordinator,
    adapter,
    seen,
    async finish() {
      await coordinator.finish(true);
      const out: Array<Record<string, unknown>> = [];
      for await (const e of readSessionLog(coordinator.writer.logPath)) {
        if (!WRAPPER_TYPES.has(e.type)) out.push(bare(e));
      }
      return out;
    },
  };
}

/** Backfilled sessions of a home, each as its normalized events (in order), keyed by session id. */
export async function backfillOf(home: string): Promise<Map<string, Array<Record<string, unknown>>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  for await (const s of new ClaudeHistoricalLogAdapter({ home }).backfill()) {
    out.set(s.metadata.wrapperSessionId, (await collect(s)).map(([, e]) => bare(normalizeEventInput(e))));
  }
  return out;
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  normalizeEventInput,
  readSessionLog,
  SessionLogCoordinator,
  type AgentLogEvent,
  type LogEventInput,
} from '../../../src/index.js';
import { GeminiHistoricalLogAdapter, GeminiLiveLogAdapter } from '../../../src/providers/index.js';

export const WORKSPACE = '/w/demo';

/** A fresh fake home with Gemini's project registry mapping WORKSPACE to `tmp/demo`; returns the chats folder. */
export function fakeHome(): { home: string; chats: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'gemini-live-'));
  const project = join(home, '.gemini', 'tmp', 'demo');
  mkdirSync(join(project, 'chats'), { recursive: true });
  writeFileSync(join(home, '.gemini', 'projects.json'), JSON.stringify({ projects: { [WORKSPACE]: 'demo' } }, null, 2));
  writeFileSync(join(project, '.project_root'), WORKSPACE);
  return { home, chats: join(project, 'chats'), cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** An event reduced to what both paths must agree on: its kind fields (seq, ts, source_kind and the envelope dropped). */
export type Kind = Record<string, unknown>;

function kindOf(e: AgentLogEvent): Kind {
  const {
    seq: _seq,
    ts: _ts,
    provider: _provider,
    wrapper_session_id: _w,
    provider_session_id: _p,
    source_kind: _s,
    completeness: _c,
    ...kind
  } = e as AgentLogEvent & Record<string, unknown>;
  return kind;
}

function normalized(e: LogEventInput): Kind {
  const { provider: _provider, ...kind } = normalizeEventInput(e) as Record<string, unknown>;
  return kind;
}

/** What the historical adapter makes of the session file `name` in `home`. */
export async function backfillOf(home: string, endsWith: string): Promise<Kind[]> {
  for await (const s of new GeminiHistoricalLogAdapter({ home }).backfill()) {
    if (!s.sourcePaths[0]!.endsWith(endsWith)) continue;
    const out: Kind[] = [];
    for await (const [, e] of s.events) out.push(normalized(e));
    return out;
  }
  throw new Error(`no backfilled session for ${endsWith}`);
}

export interface LiveRun {
  /** Events the live adapter produced (source_kind provider_file), as kinds. */
  events: Kind[];
  all: AgentLogEvent[];
  sourcePaths: string[];
}

/**
 * Runs a real coordinator with the Gemini live adapter against `home` while
 * `drive` writes the provider files, then finishes and reads the log back.
 */
export async function runLive(home: string, drive: () => Promise<void>, ctx: { providerSessionId?: string } = {}): Promise<LiveRun> {
  const logsDir = mkdtempSync(join(tmpdir(), 'gemini-logs-'));
  try {
    const adapter = new GeminiLiveLogAdapter({ startedAt: new Date(), workspacePath: WORKSPACE, home, ...ctx });
    const c = await SessionLogCoordinator.start(
      logsDir,
      { provider: 'gemini', wrapperSessionId: 'live-1', command: 'run', workspacePath: WORKSPACE },
      { liveAdapter: adapter, pollIntervalMs: 15, heartbeatIntervalMs: 60_000 },
    );
    await drive();
    await c.finish(true);
    const all: AgentLogEvent[] = [];
    for await (const e of readSessionLog(c.writer.logPath)) all.push(e);
    const index = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(join(logsDir, 'index.json'), 'utf8')));
    return {
      events: all.filter((e) => e.source_kind === 'provider_file').map(kindOf),
      all,
      sourcePaths: index.sessions[0]?.source_paths ?? [],
    };
  } finally {
    rmSync(logsDir, { recursive: true, force: true });
  }
}

import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readSessionLog,
  runBackfill,
  SessionLogCoordinator,
  type AgentLogEvent,
} from '../../src/index.js';
import { defaultHistoricalAdapters, liveAdapterForProvider } from '../../src/providers/index.js';
import { growthOf, replayGrowth } from '../helpers/growth.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

interface Run {
  provider: 'claude' | 'codex' | 'gemini' | 'copilot';
  /** The session file, relative to the run's home (as growth.jsonl names it). */
  file: string;
  /** Where the live capture should find it in the temp home (default: the same place). */
  liveFile?: string;
  /** Files the CLI wrote before the session file (copied whole first). */
  extras: string[];
  workspacePath: string;
  providerSessionId?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const today = new Date();
const todayFolder = `${today.getFullYear()}/${pad(today.getMonth() + 1)}/${pad(today.getDate())}`;
const CODEX_THREAD = '01a223dc-85b6-7540-a670-c5c680cf2c86';

const RUNS: Run[] = [
  {
    provider: 'claude',
    file: '.claude/projects/-tmp-realcli-claude-project/e7bd502c-7d33-43d5-aafa-1348e82fa678.jsonl',
    extras: [],
    workspacePath: '/tmp/realcli/claude/project',
  },
  {
    provider: 'codex',
    file: `.codex/sessions/2026/11/28/rollout-2026-11-28T20-33-04-${CODEX_THREAD}.jsonl`,
    // The live adapter looks in the date folders of today and of the start.
    liveFile: `.codex/sessions/${todayFolder}/rollout-2026-11-28T20-33-04-${CODEX_THREAD}.jsonl`,
    extras: [],
    workspacePath: '/tmp/realcli/codex/project',
    providerSessionId: CODEX_THREAD,
  },
  {
    provider: 'gemini',
    file: '.gemini/tmp/project/chats/session-2026-11-28T20-29-5aa6c791.jsonl',
    extras: ['.gemini/projects.json', '.gemini/tmp/project/.project_root'],
    workspacePath: '/tmp/realcli/gemini/project',
  },
  {
    provider: 'copilot',
    file: '.copilot/session-state/bd2de89a-4c3c-4008-a419-b047493b72e9/events.jsonl',
    extras: ['.copilot/session-state/bd2de89a-4c3c-4008-a419-b047493b72e9/workspace.yaml'],
    workspacePath: '/tmp/realcli/copilot/project',
  },
];

const ENVELOPE = new Set(['seq', 'provider', 'wrapper_session_id', 'provider_session_id', 'source_kind', 'completeness']);

/** An event as compared: its type, fields and ts (the envelope's bookkeeping left out). */
function comparable(e: AgentLogEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e).filter(([k]) => !ENVELOPE.has(k)));
}

async function logEvents(path: string): Promise<AgentLogEvent[]> {
  const out: AgentLogEvent[] = [];
  for await (const e of readSessionLog(path)) out.push(e);
  return out;
}

const pause = () => new Promise<void>((r) => setTimeout(r, 40));

describe('a live capture of a real run equals the import of its final files, ts included', () => {
  for (const run of RUNS) {
    it(`${run.provider}: print-multi-tool, replayed as it grew`, async () => {
      const testStarted = new Date(Date.now() - 1).toISOString();
      const real = join(FIXTURES, run.provider, 'real', 'print-multi-tool');
      const steps = growthOf(join(real, '_run', 'growth.jsonl'), run.file);
      expect(steps.length).toBeGreaterThan(2);

      // Live: a coordinator captures the file while it grows in a fresh home.
      const liveHome = tempDir('times-live-home-');
      for (const f of run.extras) {
        mkdirSync(join(liveHome, f, '..'), { recursive: true });
        cpSync(join(real, f), join(liveHome, f));
      }
      const liveLogs = tempDir('times-live-logs-');
      const adapter = liveAdapterForProvider(run.provider, {
        startedAt: new Date(Date.now() - 1000),
        workspacePath: run.workspacePath,
        providerSessionId: run.providerSessionId ?? null,
        home: liveHome,
      });
      const coordinator = await SessionLogCoordinator.start(
        liveLogs,
        { provider: run.provider, wrapperSessionId: 'live', command: 'run', workspacePath: run.workspacePath },
        { liveAdapter: adapter, pollIntervalMs: 10, heartbeatIntervalMs: 3_600_000 },
      );
      try {
        await replayGrowth(join(real, run.file), join(liveHome, run.liveFile ?? run.file), steps, pause);
      } finally {
        await coordinator.finish(true);
      }
      const liveLog = await logEvents(coordinator.writer.logPath);
      const live = liveLog.filter((e) => e.source_kind === 'provider_file');
      // What the wrapper made itself (session_started, session_ended…) keeps the wall clock.
      const wrapperMade = liveLog.filter((e) => e.source_kind === 'wrapper');
      expect(wrapperMade.map((e) => e.type)).toEqual(expect.arrayContaining(['session_started', 'session_ended']));
      for (const e of wrapperMade) expect(e.ts >= testStarted, `${e.type} at ${e.ts}`).toBe(true);

      // Import: the final files, in another home and another logs folder.
      const importHome = tempDir('times-import-home-');
      for (const f of [...run.extras, run.file]) {
        mkdirSync(join(importHome, f, '..'), { recursive: true });
        cpSync(join(real, f), join(importHome, f));
      }
      const importLogs = tempDir('times-import-logs-');
      const result = await runBackfill(importLogs, null, defaultHistoricalAdapters({ home: importHome, providers: [run.provider] }));
      expect(result.imported).toBe(1);
      const [logName] = readdirSync(join(importLogs, 'sessions'));
      const imported = await logEvents(join(importLogs, 'sessions', logName!));
      // The import's own first and last lines (session_started, session_ended) are not made from records.
      const fromRecords = imported.slice(1, -1);

      expect(live.length).toBeGreaterThan(5);
      expect(live.map(comparable)).toEqual(fromRecords.map(comparable));
      // The times are the records' (the run was recorded on 2026-11-28), not the capture's or the import's.
      for (const e of live) expect(e.ts.slice(0, 10)).toBe('2026-11-28');
      expect(imported[0]!.ts <= fromRecords[0]!.ts).toBe(true);
      expect(imported.at(-1)!.ts >= fromRecords.at(-1)!.ts).toBe(true);
    }, 60_000);
  }
});

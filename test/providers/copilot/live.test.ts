import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  normalizeEventInput,
  readSessionLog,
  SessionLogCoordinator,
  type AgentLogEvent,
  type LogEventInput,
} from '../../../src/index.js';
import { CopilotHistoricalLogAdapter, CopilotLiveLogAdapter } from '../../../src/providers/index.js';
import { replayInChunks } from '../../helpers/replay.js';
import { fakeHome, fixtureFiles, scan, yamlCwd } from './support.js';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An event without its envelope (seq, ts, source_kind and the session fields), normalized. */
function body(e: AgentLogEvent | LogEventInput): unknown {
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

async function backfillBodies(home: string, id: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const s of new CopilotHistoricalLogAdapter({ home }).backfill()) {
    if (s.metadata.wrapperSessionId !== id) continue;
    for await (const [, e] of s.events as AsyncIterable<[string, LogEventInput]>) out.push(body(e));
  }
  return out;
}

async function providerEvents(logPath: string): Promise<AgentLogEvent[]> {
  const out: AgentLogEvent[] = [];
  for await (const e of readSessionLog(logPath)) if (e.source_kind === 'provider_file') out.push(e);
  return out;
}

/** Runs a coordinator with the Copilot live adapter while `write` appends to the fake home. */
async function capture(
  home: string,
  ctx: { workspacePath?: string; providerSessionId?: string; startedAt: Date },
  write: () => Promise<void>,
) {
  const logsDir = tempDir('copilot-logs-');
  const adapter = new CopilotLiveLogAdapter({ ...ctx, home });
  const c = await SessionLogCoordinator.start(
    logsDir,
    { provider: 'copilot', wrapperSessionId: 'live-1', command: 'run' },
    { liveAdapter: adapter, pollIntervalMs: 15, heartbeatIntervalMs: 60_000 },
  );
  try {
    await write();
  } finally {
    await c.finish(true);
  }
  const index = JSON.parse(readFileSync(join(logsDir, 'index.json'), 'utf8')) as {
    sessions: Array<{ provider_session_id: string | null; source_paths: string[] }>;
  };
  return { events: await providerEvents(c.writer.logPath), index: index.sessions[0]! };
}

const ALL = fixtureFiles();

describe.each(ALL)('Copilot live capture of $name', ({ path, sessionDir, id }) => {
  // Decoys hold another fixture, so picking one would change the events.
  const other = ALL.find((f) => f.id !== id)!.path;

  it('equals the backfill of the final file, appended in random chunks, with decoy sessions around', async () => {
    const h = fakeHome();
    cleanups.push(h.cleanup);
    const workspace = yamlCwd(sessionDir) ?? (scan(path).sessionStart?.context?.cwd as string);
    // A stale session of the same workspace and a fresh one elsewhere must not be picked.
    const stale = join(h.stateRoot, 'old-session');
    mkdirSync(stale, { recursive: true });
    copyFileSync(other, join(stale, 'events.jsonl'));
    writeFileSync(join(stale, 'workspace.yaml'), `id: old-session\ncwd: ${workspace}\n`);
    utimesSync(join(stale, 'events.jsonl'), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    const startedAt = new Date();
    const decoy = join(h.stateRoot, 'other-workspace');
    mkdirSync(decoy, { recursive: true });
    writeFileSync(join(decoy, 'workspace.yaml'), 'cwd: /somewhere/else\n');
    // Written after startedAt and before the real session exists: only the workspace check rules it out.
    copyFileSync(other, join(decoy, 'events.jsonl'));

    const dest = join(h.stateRoot, id, 'events.jsonl');
    mkdirSync(join(h.stateRoot, id), { recursive: true });
    if (existsSync(join(sessionDir, 'workspace.yaml'))) {
      copyFileSync(join(sessionDir, 'workspace.yaml'), join(h.stateRoot, id, 'workspace.yaml'));
    }
    const { events, index } = await capture(h.home, { workspacePath: workspace, startedAt }, async () => {
      await replayInChunks(path, dest, { seed: id.length * 7919, maxChunk: 700, maxDelayMs: 4 });
    });

    expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
    expect(events.map(body)).toEqual(await backfillBodies(h.home, id));
    expect(index.provider_session_id).toBe(id);
    expect(index.source_paths).toContain(dest);
  });
});

describe('Copilot live capture across a resume', () => {
  const fx = fixtureFiles().find((f) => scan(f.path).records.some((r) => r.type === 'session.resume'))!;
  const lines = readFileSync(fx.path, 'utf8').split(/(?<=\n)/);
  const cut = lines.findIndex((l) => l.includes('"type":"session.resume"'));
  const part1 = lines.slice(0, cut).join('');
  const part2 = lines.slice(cut).join('');

  it('follows the resume appended to the same file while it runs', async () => {
    const h = fakeHome();
    cleanups.push(h.cleanup);
    const src = tempDir('copilot-parts-');
    writeFileSync(join(src, 'part1'), part1);
    writeFileSync(join(src, 'part2'), part2);
    const dest = join(h.stateRoot, fx.id, 'events.jsonl');
    const { events } = await capture(h.home, { workspacePath: yamlCwd(fx.sessionDir)!, startedAt: new Date() }, async () => {
      mkdirSync(join(h.stateRoot, fx.id), { recursive: true });
      copyFileSync(join(fx.sessionDir, 'workspace.yaml'), join(h.stateRoot, fx.id, 'workspace.yaml'));
      await replayInChunks(join(src, 'part1'), dest, { seed: 11, maxChunk: 600, maxDelayMs: 3 });
      await new Promise((r) => setTimeout(r, 60));
      await replayInChunks(join(src, 'part2'), dest, { seed: 12, maxChunk: 600, maxDelayMs: 3 });
    });
    expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
    expect(events.map(body)).toEqual(await backfillBodies(h.home, fx.id));
  });

  for (const by of ['session id', 'workspace'] as const) {
    it(`a new run resuming an old session (found by ${by}) logs only what it appends`, async () => {
      const h = fakeHome();
      cleanups.push(h.cleanup);
      const dir = join(h.stateRoot, fx.id);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(fx.sessionDir, 'workspace.yaml'), join(dir, 'workspace.yaml'));
      const dest = join(dir, 'events.jsonl');
      writeFileSync(dest, part1);
      utimesSync(dest, new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));
      const src = tempDir('copilot-parts-');
      writeFileSync(join(src, 'part2'), part2);

      const ctx = by === 'session id' ? { providerSessionId: fx.id } : { workspacePath: yamlCwd(fx.sessionDir)! };
      const { events } = await capture(h.home, { ...ctx, startedAt: new Date() }, () =>
        replayInChunks(join(src, 'part2'), dest, { seed: 5, maxChunk: 500, maxDelayMs: 3 }),
      );

      // The final file's backfill, minus what the earlier run's part alone backfills to.
      const whole = await backfillBodies(h.home, fx.id);
      const h1 = fakeHome();
      cleanups.push(h1.cleanup);
      mkdirSync(join(h1.stateRoot, fx.id), { recursive: true });
      writeFileSync(join(h1.stateRoot, fx.id, 'events.jsonl'), part1);
      const earlier = await backfillBodies(h1.home, fx.id);
      expect(earlier.length).toBeGreaterThan(0);
      expect(whole.slice(0, earlier.length)).toEqual(earlier);
      expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
      expect(events.map(body)).toEqual(whole.slice(earlier.length));
    });
  }
});

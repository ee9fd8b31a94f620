import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ClaudeHistoricalLogAdapter,
  CodexHistoricalLogAdapter,
  CopilotHistoricalLogAdapter,
  runBackfill,
  LogEventKindSchema,
  serializeEvent,
  upsertGlobalEntry,
  type LogEventInput,
} from '../../src/index.js';

export const FIXTURES = resolve(fileURLToPath(new URL('../fixtures', import.meta.url)));

/** The Claude homes of the fixtures: the generated set (test/fixtures/claude) and each real run. */
/** The derived fixture of Claude's older resume layout (see its README). */
export const OLD_LAYOUT = 'resume-print-old-layout';

export async function claudeHomes(tmp: string): Promise<string[]> {
  const generated = join(tmp, 'claude-generated-home');
  await mkdir(generated, { recursive: true });
  await symlink(join(FIXTURES, 'claude'), join(generated, '.claude'));
  // resume-print-old-layout is derived from resume-print and shares its session ids: imported into
  // the same folder, the two would be one session from two sources. Its own tests import it alone.
  const runs = (await readdir(join(FIXTURES, 'claude', 'real'))).filter((r) => r !== OLD_LAYOUT).sort();
  return [generated, ...runs.map((r) => join(FIXTURES, 'claude', 'real', r))];
}

export interface ImportedHistory {
  tmp: string;
  logs: string;
  /** The home whose `.zag` holds the global index the import wrote. */
  home: string;
  cleanup(): Promise<void>;
}

/**
 * The fixtures' history imported into one logs folder, as a user's would be:
 * every Claude home, plus Codex and Copilot real runs (other providers).
 */
export async function importFixtureHistory(options: { codex?: boolean; copilot?: boolean } = {}): Promise<ImportedHistory> {
  const tmp = await mkdtemp(join(tmpdir(), 'asl-sessions-'));
  const home = join(tmp, 'home');
  const logs = join(home, '.zag', 'projects', 'fixture-project', 'logs');
  for (const h of await claudeHomes(tmp)) {
    await runBackfill(logs, null, [new ClaudeHistoricalLogAdapter({ home: h })]);
  }
  if (options.codex) {
    const h = join(FIXTURES, 'codex', 'real', 'print-multi-tool');
    await runBackfill(logs, null, [new CodexHistoricalLogAdapter({ home: h })]);
  }
  if (options.copilot) {
    for (const run of await readdir(join(FIXTURES, 'copilot', 'real'))) {
      const h = join(FIXTURES, 'copilot', 'real', run);
      await runBackfill(logs, null, [new CopilotHistoricalLogAdapter({ home: h })]);
    }
  }
  return { tmp, logs, home, cleanup: () => rm(tmp, { recursive: true, force: true }) };
}

/**
 * Writes one session log line by line in the wire format, each event with its
 * own time (as an import writes them), and lists it in the global index when
 * asked. Returns the log's path.
 */
export async function writeSession(
  logs: string,
  id: string,
  provider: string,
  events: Array<[LogEventInput, string]>,
  options: { model?: string; globalIndexDir?: string } = {},
): Promise<string> {
  const dir = join(logs, 'sessions');
  await mkdir(dir, { recursive: true });
  const logPath = join(dir, `${id}.jsonl`);
  const first = events[0]?.[1] ?? '2026-11-01T00:00:00.000Z';
  const last = events[events.length - 1]?.[1] ?? first;
  const all: Array<[LogEventInput, string]> = [
    [{ type: 'session_started', command: 'run', model: options.model ?? null, cwd: null, resumed: false, backfilled: true }, first],
    ...events,
    [{ type: 'session_ended', success: true, error: null }, last],
  ];
  const lines = all.map(([e, ts], i) => {
    const env = { seq: i + 1, ts, provider, wrapper_session_id: id, provider_session_id: null, source_kind: 'backfill', completeness: 'full' } as const;
    return serializeEvent(env, LogEventKindSchema.parse(e));
  });
  await writeFile(logPath, lines.join('\n') + '\n');
  if (options.globalIndexDir) {
    await upsertGlobalEntry(options.globalIndexDir, { session_id: id, project: basename(dirname(logs)), log_path: logPath, provider, started_at: first });
  }
  return logPath;
}

import { dirname } from 'node:path';
import { loadGlobalIndex, loadIndex, projectNameOf } from '../../index-files/index.js';
import type { SessionLogIndexEntry } from '../../schema/index.js';
import { describeEvents, describeSession, type ListedSession, type SessionRow } from '../../listing/session-row.js';
import { stateFromEvents } from '../../listing/liveness.js';
import type { PostgresStore } from '../../postgres/index.js';
import { READ_STORE_OPTIONS, withReadingStore } from '../reading-store.js';
import { parseTimeArg } from '../../listing/time-arg.js';
import { PROVIDER_NAMES } from '../../providers/index.js';
import { checkChoices } from '../choices.js';
import { sessionLogPath } from '../../index-files/log-path.js';
import { flagOpt, listOpt, stringOpt, type CommandArgs, type CommandSpec } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { clip, formatDateTime } from '../format-event.js';
import type { CliIO } from '../io.js';
import { locate } from '../options.js';
import { painter, useColor, type Paint } from '../style.js';

export const listCommand: CommandSpec = {
  name: 'list',
  summary: 'list the recorded sessions of this project (or of all projects), newest first',
  description: [
    "Lists the sessions in this project's index (<logs-dir>/index.json), newest first",
    '(--reverse: oldest first). With --all, every project\'s sessions from the global index',
    '(~/.zag/sessions_index.json). Each listed log is read once for its title (the first',
    'prompt), events, tokens and duration. STATE is open, ended, stale (not ended, its writer',
    'is gone and nothing was written for 3 heartbeat intervals) or missing (no log file).',
    '--json prints {"sessions": [...]} with one row per line, the same shape with --all.',
    "With --store (or $ASL_STORE_URL): every machine's sessions in that PostgreSQL store, each",
    'row naming its machine; STATE then goes by the last event (there is no file to look at).',
  ].join('\n'),
  positionals: [],
  options: {
    all: { type: 'boolean', description: 'all projects (the global index)' },
    provider: {
      type: 'string',
      value: 'name',
      multiple: true,
      description: `only sessions of this provider (${PROVIDER_NAMES.join(', ')}; comma-separated)`,
    },
    since: { type: 'string', value: 'time', description: 'only sessions started at or after: ISO time, or 30m, 1h, 2d, 3w ago' },
    until: { type: 'string', value: 'time', description: 'only sessions started before: ISO time, or 30m, 1h, 2d, 3w ago' },
    limit: { type: 'string', value: 'n', description: 'at most n sessions (the newest n; with --reverse the oldest)' },
    reverse: { type: 'boolean', description: 'oldest first' },
    json: { type: 'boolean', description: 'print {"sessions": [...]} as JSON instead of a table' },
    ...READ_STORE_OPTIONS,
  },
  examples: [
    'agent-session-log list --since 2d --limit 20',
    'agent-session-log list --all --provider claude --json',
  ],
  async run(io: CliIO, args) {
    const loc = locate(io, args);
    const providers = listOpt(args, 'provider');
    checkChoices('--provider', providers, PROVIDER_NAMES, 'list');
    const now = Date.now();
    const since = timeOpt(args, 'since', now);
    const until = timeOpt(args, 'until', now);
    const limit = limitOpt(args);
    return withReadingStore(io, args, 'list', async (store) => {
      const all = store !== null || flagOpt(args, 'all');
      const source = store
        ? await storeSessions(store)
        : all
          ? await globalSessions(loc.globalIndexDir)
          : await projectSessions(loc.logsDir, loc.root !== null);
      // Plain loops throughout: an index can hold hundreds of thousands of entries, too many to spread into a call.
      const picked: Array<{ t: number; s: ListedSession }> = [];
      for (const s of source) {
        if (providers && !providers.includes(s.provider)) continue;
        const t = Date.parse(s.started_at);
        const key = Number.isNaN(t) ? 0 : t;
        if (since !== undefined && key < since) continue;
        if (until !== undefined && key >= until) continue;
        picked.push({ t: key, s });
      }
      const dir = flagOpt(args, 'reverse') ? 1 : -1;
      picked.sort((a, b) => dir * (a.t - b.t) || dir * a.s.session_id.localeCompare(b.s.session_id));
      if (limit !== undefined && picked.length > limit) picked.length = limit;
      const json = flagOpt(args, 'json');
      if (!json && picked.length === 0) {
        await writeLine(io, `No sessions in ${store ? store.displayUrl : all ? `${loc.globalIndexDir}/sessions_index.json` : loc.logsDir}.`);
        return EXIT_OK;
      }
      const table = json ? null : new RowPrinter(io, painter(useColor(io)), picked, all);
      if (json) await writeLine(io, '{"sessions": [');
      else await table!.header();
      for (let i = 0; i < picked.length; i++) {
        io.signal.throwIfAborted?.();
        const s = picked[i]!.s;
        const row =
          store && s.machine !== undefined
            ? await describeEvents(s, store.readEvents({ machine: s.machine, wrapper_session_id: s.session_id }, { signal: io.signal }), async (f) =>
                stateFromEvents(f, now),
              )
            : await describeSession(s, now);
        if (json) await writeLine(io, `  ${JSON.stringify(row)}${i < picked.length - 1 ? ',' : ''}`);
        else await table!.row(row);
      }
      if (json) await writeLine(io, ']}');
      return EXIT_OK;
    });
  },
};

/** Every machine's sessions in a store, as list rows (the log path is the one on its machine). */
async function storeSessions(store: PostgresStore): Promise<ListedSession[]> {
  const out: ListedSession[] = [];
  for (const s of await store.listSessions()) {
    out.push({
      session_id: s.wrapper_session_id,
      provider: s.provider,
      project: s.project,
      log_path: s.log_path ?? '',
      started_at: s.started_at ?? '',
      provider_session_id: s.provider_session_id,
      ended_at: s.ended_at,
      completeness: s.completeness,
      workspace_path: s.workspace_path,
      backfilled: s.backfilled,
      machine: s.machine,
    });
  }
  return out;
}

function timeOpt(args: CommandArgs, name: string, now: number): number | undefined {
  const text = stringOpt(args, name);
  if (text === undefined) return undefined;
  try {
    return parseTimeArg(text, now);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`, 'list');
  }
}

function limitOpt(args: CommandArgs): number | undefined {
  const text = stringOpt(args, 'limit');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--limit needs a whole number of at least 1, not '${text}'`, 'list');
  return Number(text);
}

async function projectSessions(logsDir: string, inProject: boolean): Promise<ListedSession[]> {
  const project = inProject ? projectNameOf(logsDir) : null;
  const out: ListedSession[] = [];
  for (const e of (await loadIndex(logsDir)).sessions) {
    out.push({
      session_id: e.wrapper_session_id,
      provider: e.provider,
      project,
      // Where the log is read from (see sessionLogPath), not where a copied index says.
      log_path: sessionLogPath(logsDir, e.wrapper_session_id, e.log_path),
      started_at: e.started_at,
      provider_session_id: e.provider_session_id,
      ended_at: e.ended_at,
      completeness: e.completeness,
      workspace_path: e.workspace_path,
      backfilled: e.backfilled,
    });
  }
  return out;
}

/**
 * The global index's entries, completed from their project's own index (read
 * once per project), so that a row of `--all` says what a row of the project
 * says: the project index knows the end of an imported session, for example.
 */
async function globalSessions(baseDir: string): Promise<ListedSession[]> {
  const projects = new Map<string, Map<string, SessionLogIndexEntry>>();
  const out: ListedSession[] = [];
  for (const g of (await loadGlobalIndex(baseDir)).sessions) {
    const logsDir = dirname(dirname(g.log_path));
    let entries = projects.get(logsDir);
    if (!entries) {
      entries = new Map();
      const index = await loadIndex(logsDir).catch(() => ({ sessions: [] as SessionLogIndexEntry[] }));
      for (const e of index.sessions) entries.set(e.wrapper_session_id, e);
      projects.set(logsDir, entries);
    }
    const e = entries.get(g.session_id);
    out.push({
      session_id: g.session_id,
      provider: g.provider,
      project: g.project,
      log_path: g.log_path,
      started_at: g.started_at,
      ...(e
        ? {
            provider_session_id: e.provider_session_id,
            ended_at: e.ended_at,
            completeness: e.completeness,
            workspace_path: e.workspace_path,
            backfilled: e.backfilled,
          }
        : {}),
    });
  }
  return out;
}

/** The PROJECT cell: `machine:project` for a store's session, so rows of different machines tell apart. */
function projectCell(s: { project: string | null; machine?: string }): string {
  if (s.machine === undefined) return s.project ?? '-';
  return s.project ? `${s.machine}:${s.project}` : s.machine;
}

/** Writes one line, waiting when the reader is slower than us, so a huge listing never piles up in memory. */
function writeLine(io: CliIO, line: string): Promise<void> {
  if (io.stdout.write(`${line}\n`)) return Promise.resolve();
  return new Promise((resolve) => io.stdout.once('drain', () => resolve()));
}

/** Compact counts: 950, 12.3k, 4.5M. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** 12s, 5m10s, 1h02m, 3d04h. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${p(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${p(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d${p(Math.floor((s % 86400) / 3600))}h`;
}

/**
 * Prints the table a row at a time: widths are fixed (or taken from the ids,
 * which are known before any log is read), so nothing waits for the last row.
 */
class RowPrinter {
  readonly #io: CliIO;
  readonly #paint: Paint;
  readonly #all: boolean;
  readonly #idWidth: number;
  readonly #projectWidth: number;
  readonly #titleWidth: number;

  constructor(io: CliIO, paint: Paint, picked: ReadonlyArray<{ s: ListedSession }>, all: boolean) {
    this.#io = io;
    this.#paint = paint;
    this.#all = all;
    let id = 2;
    let project = 7;
    for (const { s } of picked) {
      if (s.session_id.length > id) id = s.session_id.length;
      if (projectCell(s).length > project) project = projectCell(s).length;
    }
    this.#idWidth = id;
    this.#projectWidth = Math.min(project, 40);
    const used = id + 8 + 19 + 7 + 6 + 7 + 8 + 2 * 7 + (all ? this.#projectWidth + 2 : 0);
    this.#titleWidth = Math.max(20, (io.stdout.columns ?? 160) - used);
  }

  #line(cells: { id: string; provider: string; started: string; state: string; events: string; tokens: string; duration: string; project: string; title: string }): string {
    const parts = [
      cells.id.padEnd(this.#idWidth),
      cells.provider.padEnd(8),
      cells.started.padEnd(19),
      cells.state.padEnd(7),
      cells.events.padStart(6),
      cells.tokens.padStart(7),
      cells.duration.padStart(8),
      ...(this.#all ? [clip(cells.project, this.#projectWidth).padEnd(this.#projectWidth)] : []),
      cells.title,
    ];
    return parts.join('  ').trimEnd();
  }

  header(): Promise<void> {
    const h = { id: 'ID', provider: 'PROVIDER', started: 'STARTED', state: 'STATE', events: 'EVENTS', tokens: 'TOKENS', duration: 'DURATION', project: 'PROJECT', title: 'TITLE' };
    return writeLine(this.#io, this.#paint('bold', this.#line(h)));
  }

  row(r: SessionRow): Promise<void> {
    return writeLine(this.#io, this.#line({
      id: r.session_id,
      provider: r.provider,
      started: formatDateTime(r.started_at),
      state: r.state,
      events: formatCount(r.events),
      tokens: formatCount(r.tokens?.total ?? null),
      duration: formatDuration(r.duration_ms),
      project: projectCell(r),
      title: r.title === null ? '-' : clip(r.title, this.#titleWidth),
    }));
  }
}

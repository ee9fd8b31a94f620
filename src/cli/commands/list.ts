import { loadGlobalIndex, loadIndex } from '../../index-files/index.js';
import { sessionLogPath } from '../../index-files/log-path.js';
import type { GlobalSessionEntry, SessionLogIndexEntry } from '../../schema/index.js';
import { choicesOpt, PROVIDER_CHOICES } from '../choices.js';
import { flagOpt, type CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { formatDateTime } from '../format-event.js';
import { out, type CliIO } from '../io.js';
import { locate } from '../options.js';
import { painter, useColor } from '../style.js';
import { renderTable } from '../table.js';

const byStart = <T extends { started_at: string }>(a: T, b: T): number => a.started_at.localeCompare(b.started_at);

export const listCommand: CommandSpec = {
  name: 'list',
  summary: 'list the recorded sessions of this project (or of all projects)',
  description: [
    "Lists the sessions in this project's index (<logs-dir>/index.json), oldest first.",
    'With --all, lists every project\'s sessions from the global index (~/.zag/sessions_index.json).',
  ].join('\n'),
  positionals: [],
  options: {
    all: { type: 'boolean', description: 'all projects (the global index)' },
    provider: {
      type: 'string',
      value: 'name',
      multiple: true,
      description: 'only sessions of this provider (claude, codex, gemini, copilot; comma-separated)',
    },
    json: { type: 'boolean', description: 'print {"sessions": [...]} as JSON instead of a table' },
  },
  examples: ['agent-session-log list', 'agent-session-log list --all --provider claude --json'],
  async run(io: CliIO, args) {
    const loc = locate(io, args);
    const providers = choicesOpt(args, 'provider', PROVIDER_CHOICES, 'list');
    const keep = (p: string): boolean => !providers || providers.includes(p);
    const paint = painter(useColor(io));
    const json = flagOpt(args, 'json');
    if (flagOpt(args, 'all')) {
      const sessions = (await loadGlobalIndex(loc.globalIndexDir)).sessions.filter((s) => keep(s.provider)).sort(byStart);
      if (json) return printJson(io, sessions);
      if (sessions.length === 0) return empty(io, `${loc.globalIndexDir}/sessions_index.json`);
      const rows = sessions.map((s: GlobalSessionEntry) => [s.session_id, s.provider, formatDateTime(s.started_at), s.project]);
      for (const l of renderTable(['ID', 'PROVIDER', 'STARTED', 'PROJECT'], rows, paint)) out(io, l);
      return EXIT_OK;
    }
    const sessions = (await loadIndex(loc.logsDir)).sessions
      .filter((s) => keep(s.provider))
      .sort(byStart)
      // Where the log is read from (see sessionLogPath), not where a copied index says.
      .map((s) => ({ ...s, log_path: sessionLogPath(loc.logsDir, s.wrapper_session_id, s.log_path) }));
    if (json) return printJson(io, sessions);
    if (sessions.length === 0) return empty(io, loc.logsDir);
    const rows = sessions.map((s: SessionLogIndexEntry) => [
      s.wrapper_session_id,
      s.provider,
      formatDateTime(s.started_at),
      s.ended_at ? 'ended' : 'open',
      s.backfilled ? 'imported' : 'live',
      s.completeness,
      s.workspace_path ?? '-',
    ]);
    const header = ['ID', 'PROVIDER', 'STARTED', 'STATE', 'ORIGIN', 'COMPLETENESS', 'WORKSPACE'];
    for (const l of renderTable(header, rows, paint)) out(io, l);
    return EXIT_OK;
  },
};

function printJson(io: CliIO, sessions: readonly object[]): number {
  out(io, JSON.stringify({ sessions }, null, 2));
  return EXIT_OK;
}

function empty(io: CliIO, where: string): number {
  out(io, `No sessions in ${where}.`);
  return EXIT_OK;
}

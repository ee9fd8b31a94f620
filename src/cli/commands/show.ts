import { readSessionLog } from '../../read/index.js';
import { choicesOpt, EVENT_TYPE_CHOICES } from '../choices.js';
import { flagOpt, type CommandArgs, type CommandSpec } from '../command.js';
import { inert } from '../inert.js';
import { EXIT_OK } from '../errors.js';
import { findSession } from '../find-session.js';
import { eventJson, formatDateTime, formatEventLine } from '../format-event.js';
import { err, out, type CliIO } from '../io.js';
import { locate } from '../options.js';
import { painter, useColor } from '../style.js';
import { spansDays } from '../time-span.js';
import type { AgentLogEvent } from '../../schema/index.js';
import type { PostgresStore } from '../../postgres/index.js';
import { findStoreSession, READ_STORE_OPTIONS, withReadingStore } from '../reading-store.js';

export const ID_ARGUMENT = {
  name: '<id|prefix>',
  description: "session id, the provider's session id, or a unique prefix of either",
};

export const showCommand: CommandSpec = {
  name: 'show',
  summary: 'print the events of one session',
  description: [
    'Prints the events of one session, one line each: seq, time, type and a short summary',
    'cut to the terminal width. Times are local; a session that spans days shows dates too.',
    'With --full, prints whole texts (over several lines). With --json, prints the log lines',
    'themselves (one JSON event per line).',
  ].join('\n'),
  positionals: [ID_ARGUMENT],
  options: {
    json: { type: 'boolean', description: 'print one JSON event per line' },
    full: { type: 'boolean', description: 'print whole texts instead of cutting them to the terminal width' },
    type: {
      type: 'string',
      value: 'type',
      multiple: true,
      description: 'only events of this type, e.g. tool_call (comma-separated or repeated)',
    },
    ...READ_STORE_OPTIONS,
  },
  examples: [
    'agent-session-log show 2190bd69',
    'agent-session-log show 2190bd69 --type tool_call,tool_result --full',
    'agent-session-log show 2190bd69 --type tool_call,tool_result --json',
  ],
  async run(io: CliIO, args) {
    const types = choicesOpt(args, 'type', EVENT_TYPE_CHOICES, 'show');
    return withReadingStore(io, args, 'show', async (store) => {
      if (store) return showFromStore(io, args, store, types);
      return showFromFolder(io, args, types);
    });
  },
};

async function showFromFolder(io: CliIO, args: CommandArgs, types: readonly string[] | undefined): Promise<number> {
  const loc = locate(io, args);
  const session = await findSession(loc, args.positionals[0]!);
  const json = flagOpt(args, 'json');
  const paint = painter(useColor(io));
  const width = io.stdout.columns ?? 120;
  const line = { full: flagOpt(args, 'full'), dates: !json && (await spansDays(session.logPath, io.signal)) };
  if (!json) {
    const e = session.entry;
    const about = e
      ? `${e.provider}, started ${formatDateTime(e.started_at)}${e.workspace_path ? `, ${e.workspace_path}` : ''}`
      : (session.provider ?? 'not in the index');
    out(io, paint('bold', inert(`Session ${session.id}`)) + paint('dim', inert(` (${about})`)));
  }
  const events = readSessionLog(session.logPath, {
    signal: io.signal,
    onInvalid: 'skip',
    // A damaged line should not hide the rest of the session: warn and go on.
    onSkip: (e) => err(io, inert(`warning: skipped ${e.message}`)),
  });
  for await (const ev of events) {
    if (types && !types.includes(ev.type)) continue;
    out(io, json ? eventJson(ev) : formatEventLine(ev, paint, width, line));
  }
  return EXIT_OK;
}

/** The same output from a store's copy of the session (of this machine, or --machine, when several have the id). */
async function showFromStore(io: CliIO, args: CommandArgs, store: PostgresStore, types: readonly string[] | undefined): Promise<number> {
  const s = await findStoreSession(store, args.positionals[0]!);
  const json = flagOpt(args, 'json');
  const paint = painter(useColor(io));
  const width = io.stdout.columns ?? 120;
  // Without a file to skim, the session's own start and end tell whether dates are needed.
  const line = { full: flagOpt(args, 'full'), dates: !json && localDay(s.started_at) !== localDay(s.ended_at ?? s.started_at) };
  if (!json) {
    const about = [s.provider, `machine ${s.machine}`, ...(s.started_at ? [`started ${formatDateTime(s.started_at)}`] : []), ...(s.workspace_path ? [s.workspace_path] : [])];
    out(io, paint('bold', inert(`Session ${s.wrapper_session_id}`)) + paint('dim', inert(` (${about.join(', ')})`)));
  }
  const events: AsyncIterable<AgentLogEvent> = store.readEvents({ machine: s.machine, wrapper_session_id: s.wrapper_session_id }, { signal: io.signal });
  for await (const ev of events) {
    if (types && !types.includes(ev.type)) continue;
    out(io, json ? eventJson(ev) : formatEventLine(ev, paint, width, line));
  }
  return EXIT_OK;
}

function localDay(ts: string | null): string {
  if (ts === null) return '';
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

import { followSessionLog } from '../../read/index.js';
import { choicesOpt, EVENT_TYPE_CHOICES } from '../choices.js';
import { flagOpt, stringOpt, type CommandSpec } from '../command.js';
import { inert } from '../inert.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { isSessionLogError } from '../../errors.js';
import { findSession, futureLogPath, type FoundSession } from '../find-session.js';
import { activeSession, latestSession } from '../pick-session.js';
import { eventJson, formatEventLine } from '../format-event.js';
import { err, out, type CliIO } from '../io.js';
import { locate, type Locations } from '../options.js';
import { painter, useColor } from '../style.js';
import { ID_ARGUMENT } from './show.js';

export const listenCommand: CommandSpec = {
  name: 'listen',
  summary: 'follow a session live, printing events as they are written',
  description: [
    'Prints the events of a session and then each new one as it is written, until',
    'interrupted (Ctrl-C, exit 130), or with --until-end until the session has ended.',
    'A session id that matches no session yet is waited for: its log is followed once written.',
    'Instead of an id: --latest picks the session that started last (by started_at in the',
    'index), --active the one whose log was written last.',
  ].join('\n'),
  positionals: [{ ...ID_ARGUMENT, optional: true }],
  options: {
    'from-seq': { type: 'string', value: 'n', description: 'start at the event with this seq (default: the first)' },
    json: { type: 'boolean', description: 'print one JSON event per line' },
    type: {
      type: 'string',
      value: 'type',
      multiple: true,
      description: 'only events of this type (comma-separated or repeated)',
    },
    'until-end': { type: 'boolean', description: 'stop after the session_ended event' },
    latest: { type: 'boolean', description: 'the session that started last' },
    active: { type: 'boolean', description: 'the session whose log was written last' },
  },
  examples: ['agent-session-log listen 2190bd69', 'agent-session-log listen 2190bd69 --from-seq 100 --json',
    'agent-session-log listen --active',
  ],
  async run(io: CliIO, args) {
    const fromText = stringOpt(args, 'from-seq');
    let fromSeq: number | undefined;
    if (fromText !== undefined) {
      if (/^-\d+$/.test(fromText)) {
        throw new UsageError(`--from-seq cannot be negative (got ${fromText}): seq numbers start at 1`, 'listen');
      }
      if (!/^\d+$/.test(fromText)) throw new UsageError(`--from-seq needs a whole number, not '${fromText}'`, 'listen');
      fromSeq = Number(fromText);
    }
    const loc = locate(io, args);
    const id = args.positionals[0];
    const latest = flagOpt(args, 'latest');
    const active = flagOpt(args, 'active');
    const picks = (id !== undefined ? 1 : 0) + (latest ? 1 : 0) + (active ? 1 : 0);
    if (picks !== 1) throw new UsageError('give one of: a session id, --latest, --active', 'listen');
    const session = latest ? await latestSession(loc) : active ? await activeSession(loc) : await findOrAwait(io, loc, id!);
    const types = choicesOpt(args, 'type', EVENT_TYPE_CHOICES, 'listen');
    const json = flagOpt(args, 'json');
    const untilEnd = flagOpt(args, 'until-end');
    const paint = painter(useColor(io));
    const width = io.stdout.columns ?? 120;
    if (!json) err(io, paint('dim', inert(`Listening to ${session.id} (Ctrl-C to stop)`)));
    // Our own controller: --until-end stops the follower without a signal from outside.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    io.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const events = followSessionLog(session.logPath, {
        signal: stop.signal,
        ...(fromSeq !== undefined ? { fromSeq } : {}),
        onInvalid: 'skip',
        onSkip: (e) => err(io, inert(`warning: skipped ${e.message}`)),
      });
      for await (const ev of events) {
        if (!types || types.includes(ev.type)) out(io, json ? eventJson(ev) : formatEventLine(ev, paint, width));
        if (untilEnd && ev.type === 'session_ended') stop.abort();
      }
    } finally {
      io.signal.removeEventListener('abort', onAbort);
    }
    return EXIT_OK;
  },
};

/**
 * The session to follow. A session id that matches nothing yet is a session
 * about to start (a wrapper prints its id before the first event is written):
 * follow the file its log will have; followSessionLog waits for it to appear.
 */
async function findOrAwait(io: CliIO, loc: Locations, query: string): Promise<FoundSession> {
  try {
    return await findSession(loc, query);
  } catch (error) {
    const path = isSessionLogError(error, 'ERR_NOT_FOUND') ? futureLogPath(loc, query) : null;
    if (path === null) throw error;
    err(io, `No session '${query}' yet: waiting for ${path} to be written (Ctrl-C to stop)`);
    return { id: query, logPath: path, provider: null, entry: null };
  }
}

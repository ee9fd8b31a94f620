import { appendEventToLog } from '../../writer/index.js';
import { readSessionLog } from '../../read/index.js';
import { SessionLogError } from '../../errors.js';
import { checkChoices } from '../choices.js';
import { stringOpt, type CommandSpec } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { exists, findSession } from '../find-session.js';
import { eventJson } from '../format-event.js';
import { out, type CliIO } from '../io.js';
import { locate } from '../options.js';

/** zag's levels for a user_event (its `log --level`). */
export const USER_EVENT_LEVELS = ['info', 'warn', 'error', 'debug'] as const;

export const logCommand: CommandSpec = {
  name: 'log',
  summary: 'append a user_event to a session, from the shell',
  description: [
    'Appends a user_event (level, message, optional JSON data) to a session\'s log with the',
    'next seq, also while a live writer owns the log, and prints the written event.',
    'The session is --session, else $ZAG_SESSION_ID (set inside zag sessions).',
  ].join('\n'),
  positionals: [],
  options: {
    session: { type: 'string', value: 'id', description: 'the session (id, provider id, or a unique prefix)' },
    level: { type: 'string', value: 'level', description: `${USER_EVENT_LEVELS.join(', ')} (default: info)` },
    message: { type: 'string', value: 'text', description: 'the message (required)' },
    data: { type: 'string', value: 'json', description: 'JSON value to attach' },
  },
  examples: [
    "agent-session-log log --session 2190bd69 --level warn --message 'disk almost full'",
    'agent-session-log log --session 2190bd69 --message "tests passed" --data \'{"count": 42}\'',
  ],
  async run(io: CliIO, args) {
    const message = stringOpt(args, 'message');
    if (message === undefined) throw new UsageError('--message is required', 'log');
    const level = stringOpt(args, 'level') ?? 'info';
    checkChoices('--level', [level], USER_EVENT_LEVELS, 'log');
    const dataText = stringOpt(args, 'data');
    let data: unknown;
    if (dataText !== undefined) {
      try {
        data = JSON.parse(dataText);
      } catch (e) {
        throw new UsageError(`--data is not JSON: ${(e as Error).message}`, 'log');
      }
    }
    const query = stringOpt(args, 'session') ?? io.env.ZAG_SESSION_ID;
    if (!query) throw new UsageError('no session: give --session <id> or set ZAG_SESSION_ID', 'log');
    const session = await findSession(locate(io, args), query);
    if (!(await exists(session.logPath))) {
      throw new SessionLogError('ERR_NOT_FOUND', `session log not found: ${session.logPath}`);
    }
    const identity = await logIdentity(session.logPath);
    // The first event may predate the provider's id; the index knows it once it is known.
    const providerSessionId = session.entry?.provider_session_id ?? identity.providerSessionId;
    const written = await appendEventToLog(session.logPath, identity.provider, identity.wrapperSessionId, providerSessionId, {
      type: 'user_event',
      level,
      message,
      ...(data !== undefined ? { data } : {}),
    });
    out(io, eventJson(written));
    return EXIT_OK;
  },
};

/** The envelope the log's own events carry, which an appended event must repeat. */
async function logIdentity(logPath: string): Promise<{ provider: string; wrapperSessionId: string; providerSessionId: string | null }> {
  let last: { provider: string; wrapperSessionId: string; providerSessionId: string | null } | null = null;
  for await (const ev of readSessionLog(logPath, { onInvalid: 'skip' })) {
    last = { provider: ev.provider, wrapperSessionId: ev.wrapper_session_id, providerSessionId: ev.provider_session_id };
    break;
  }
  if (!last) throw new SessionLogError('ERR_NOT_FOUND', `${logPath} holds no event yet: its provider is unknown`);
  return last;
}

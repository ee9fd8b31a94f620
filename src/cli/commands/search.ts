import { isSessionLogError } from '../../errors.js';
import { LOG_EVENT_TYPES, TOOL_KINDS } from '../../schema/index.js';
import { searchSessionLogs, type SessionSearchQuery } from '../../sessions/index.js';
import { checkChoices, PROVIDER_CHOICES } from '../choices.js';
import { flagOpt, listOpt, stringOpt, type CommandSpec } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { eventJson, formatEventLine } from '../format-event.js';
import { out, type CliIO } from '../io.js';
import { locate } from '../options.js';
import { painter, useColor } from '../style.js';
import { READ_STORE_OPTIONS, readingStore } from '../reading-store.js';


const ROLES = ['user', 'assistant'];

export const searchCommand: CommandSpec = {
  name: 'search',
  summary: 'find events across sessions (text, tool, type, time)',
  description: [
    "Finds events in this project's sessions (or every project's, with --all) whose own fields",
    'contain <text>: literal and case-insensitive unless --regex / --case-sensitive.',
    'Prints one line per match (session id, seq, time, type, summary), oldest session first.',
    'Times for --since/--until: an ISO date or date-time, or a time ago (30m, 1h, 2d, 3w).',
  ].join('\n'),
  positionals: [{ name: '<text>', description: "what to look for ('' with filters only)" }],
  options: {
    regex: { type: 'boolean', description: '<text> is a regular expression (JavaScript syntax)' },
    'case-sensitive': { type: 'boolean', description: 'match case exactly' },
    provider: { type: 'string', value: 'name', multiple: true, description: 'only this provider (claude, codex, gemini, copilot)' },
    role: { type: 'string', value: 'role', description: 'user (prompts) or assistant (answers)' },
    tool: { type: 'string', value: 'name', description: 'only calls and results of this tool, e.g. Bash' },
    'tool-kind': { type: 'string', value: 'kind', description: `only tools of this kind (${TOOL_KINDS.join(', ')})` },
    type: { type: 'string', value: 'type', multiple: true, description: 'only events of this type (comma-separated or repeated)' },
    since: { type: 'string', value: 'time', description: 'only events at or after this time' },
    until: { type: 'string', value: 'time', description: 'only events at or before this time' },
    session: { type: 'string', value: 'id', description: 'only this session (id or prefix)' },
    all: { type: 'boolean', description: 'every project (the global index)' },
    json: { type: 'boolean', description: 'one JSON match per line: {"session": {...}, "event": {...}}' },
    count: { type: 'boolean', description: 'print only the number of matches' },
    limit: { type: 'string', value: 'n', description: 'stop after n matches' },
    ...READ_STORE_OPTIONS,
  },
  examples: [
    "agent-session-log search 'rm -rf' --tool-kind shell --all",
    'agent-session-log search error --type tool_result --since 2d --json',
  ],
  async run(io: CliIO, args) {
    const loc = locate(io, args);
    const types = listOpt(args, 'type');
    const providers = listOpt(args, 'provider');
    checkChoices('--type', types, LOG_EVENT_TYPES, 'search');
    checkChoices('--provider', providers, PROVIDER_CHOICES, 'search');
    const role = stringOpt(args, 'role');
    checkChoices('--role', role === undefined ? undefined : [role], ROLES, 'search');
    const toolKind = stringOpt(args, 'tool-kind');
    checkChoices('--tool-kind', toolKind === undefined ? undefined : [toolKind], TOOL_KINDS, 'search');
    const limitText = stringOpt(args, 'limit');
    const limit = limitText === undefined ? Infinity : Number(limitText);
    if (!Number.isInteger(limit) && limit !== Infinity) throw new UsageError(`--limit needs a whole number, not '${limitText}'`, 'search');
    if (limit < 1) throw new UsageError('--limit must be at least 1', 'search');
    const text = args.positionals[0]!;
    const query: SessionSearchQuery = {
      ...(text !== '' ? { text } : {}),
      regex: flagOpt(args, 'regex'),
      caseSensitive: flagOpt(args, 'case-sensitive'),
      ...(providers ? { provider: providers } : {}),
      ...(role ? { role: role as 'user' | 'assistant' } : {}),
      ...(stringOpt(args, 'tool') ? { toolName: stringOpt(args, 'tool')! } : {}),
      ...(toolKind ? { toolKind } : {}),
      ...(types ? { types } : {}),
      ...(stringOpt(args, 'since') ? { since: stringOpt(args, 'since')! } : {}),
      ...(stringOpt(args, 'until') ? { until: stringOpt(args, 'until')! } : {}),
      ...(stringOpt(args, 'session') ? { session: stringOpt(args, 'session')! } : {}),
    };
    const store = await readingStore(io, args, 'search');
    const scope = store
      ? { store }
      : flagOpt(args, 'all')
        ? { allProjects: true, ...(loc.home !== undefined ? { home: loc.home } : {}) }
        : { logsDir: loc.logsDir };
    const json = flagOpt(args, 'json');
    const countOnly = flagOpt(args, 'count');
    const paint = painter(useColor(io));
    const width = io.stdout.columns ?? 120;
    let n = 0;
    try {
      for await (const { session, event } of searchSessionLogs(query, { ...scope, signal: io.signal })) {
        n++;
        if (!countOnly) {
          if (json) out(io, `{"session":${JSON.stringify(session)},"event":${eventJson(event)}}`);
          else {
            const where = session.machine !== undefined ? `${session.machine}/` : '';
            out(io, `${paint('cyan', where + session.wrapper_session_id.slice(0, 8))} ${formatEventLine(event, paint, width - 9 - where.length)}`);
          }
        }
        if (n >= limit) break;
      }
    } catch (error) {
      // A bad time, regex or field is the user's typing, not a failure: exit 2.
      if (isSessionLogError(error, 'ERR_INVALID_OPTION')) throw new UsageError(error.message, 'search');
      throw error;
    } finally {
      await store?.close();
    }
    if (countOnly) out(io, String(n));
    return EXIT_OK;
  },
};

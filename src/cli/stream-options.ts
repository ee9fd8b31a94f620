import { PROVIDER_NAMES } from '../providers/index.js';
import { LOG_EVENT_TYPES } from '../schema/index.js';
import type { SessionLogStore } from '../sessions/index.js';
import { subscribeSessionLogs, type SessionLogSubscription } from '../subscribe/index.js';
import { checkChoices } from './choices.js';
import { flagOpt, listOpt, type CommandArgs } from './command.js';
import type { OptionSpec } from './command.js';
import { err, type CliIO } from './io.js';
import { locate } from './options.js';

/** The options `subscribe` and `watch` share. */
export const STREAM_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  type: {
    type: 'string',
    value: 'type',
    multiple: true,
    description: 'only events of this type (comma-separated or repeated)',
  },
  provider: {
    type: 'string',
    value: 'name',
    multiple: true,
    description: `only events of this provider (${PROVIDER_NAMES.join(', ')}; comma-separated)`,
  },
  all: { type: 'boolean', description: 'every project (the folders the global index points into)' },
  'from-start': { type: 'boolean', description: 'first replay the events already in the logs' },
};

/** Opens the subscription a `subscribe`/`watch` command line asks for; bad --type/--provider exit 2. */
/** With a store, every machine's sessions in it instead of the folders. */
export function openStream(io: CliIO, args: CommandArgs, command: string, signal: AbortSignal, store?: SessionLogStore | null): SessionLogSubscription {
  const types = listOpt(args, 'type');
  const providers = listOpt(args, 'provider');
  checkChoices('--type', types, LOG_EVENT_TYPES, command);
  checkChoices('--provider', providers, PROVIDER_NAMES, command);
  const loc = locate(io, args);
  return subscribeSessionLogs({
    ...(store ? { store } : flagOpt(args, 'all') ? { allProjects: true } : { logsDir: loc.logsDir }),
    ...(loc.home !== undefined ? { home: loc.home } : {}),
    ...(types ? { types } : {}),
    ...(providers ? { provider: providers } : {}),
    fromStart: flagOpt(args, 'from-start'),
    signal,
    onSkip: (e) => err(io, `warning: skipped ${e.message}`),
  });
}

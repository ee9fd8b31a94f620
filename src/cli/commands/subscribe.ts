import { flagOpt, type CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { eventJson, formatEventLine } from '../format-event.js';
import { err, out, type CliIO } from '../io.js';
import { painter, useColor } from '../style.js';
import { openStream, STREAM_OPTIONS } from '../stream-options.js';
import { READ_STORE_OPTIONS, withReadingStore } from '../reading-store.js';

export const subscribeCommand: CommandSpec = {
  name: 'subscribe',
  summary: 'print the events of every session as they are written, sessions started later included',
  description: [
    'Prints each event written to any session log of this project (with --all: of every',
    'project) from now on, sessions that start later included, until interrupted (Ctrl-C).',
    'Events already in the logs are not printed unless --from-start is given.',
    'Text lines start with the session id; --json prints each event as its log line.',
    "With --store (or $ASL_STORE_URL): every machine's sessions in that PostgreSQL store, live;",
    'text lines then start with machine/session, and a lost connection is resumed without gaps.',
  ].join('\n'),
  positionals: [],
  options: {
    ...STREAM_OPTIONS,
    json: { type: 'boolean', description: 'print one JSON event per line (the log line; it names its session)' },
    ...READ_STORE_OPTIONS,
  },
  examples: [
    'agent-session-log subscribe',
    'agent-session-log subscribe --all --type tool_call --json | jq -r .tool_name',
  ],
  async run(io: CliIO, args) {
    const json = flagOpt(args, 'json');
    return withReadingStore(io, args, 'subscribe', async (store) => {
      const sub = openStream(io, args, 'subscribe', io.signal, store);
      const paint = painter(useColor(io));
      const width = io.stdout.columns ?? 120;
      await sub.ready;
      // On stderr also with --json: a script waits for this line to know nothing written from now on is missed.
      const scope = store ? `every session in ${store.displayUrl}` : 'every session';
      err(io, painter(useColor(io, 'stderr'))('dim', `Subscribed to ${scope} (Ctrl-C to stop)`));
      for await (const { session, event } of sub) {
        if (json) out(io, eventJson(event));
        else {
          const where = session.machine !== undefined ? `${session.machine}/` : '';
          out(io, `${paint('cyan', where + session.id.slice(0, 8))} ${formatEventLine(event, paint, Math.max(40, width - 9 - where.length))}`);
        }
      }
      return EXIT_OK;
    });
  },
};

import { flagOpt, type CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { out, type CliIO } from '../io.js';
import { locate } from '../options.js';
import { MACHINE_OPTION, openCliStore } from '../store-options.js';
import { syncProgressView } from '../sync-progress.js';
import { zagBaseDir } from '../../paths/index.js';

export const syncCommand: CommandSpec = {
  name: 'sync',
  summary: 'send the session logs to a PostgreSQL store',
  description: [
    "Sends this project's session logs (with --all: every project's) to a PostgreSQL",
    'store: only the events the store lacks, found by session and seq, so a second run',
    'sends nothing and a run that was killed goes on where it stopped.',
  ].join('\n'),
  positionals: [],
  options: {
    to: { type: 'string', value: 'url', description: 'postgres://user:password@host:port/db (default: $ASL_STORE_URL)' },
    all: { type: 'boolean', description: 'every project under ~/.zag, not only this one' },
    machine: MACHINE_OPTION,
    json: { type: 'boolean', description: 'print a JSON summary (no progress output)' },
  },
  examples: ['agent-session-log sync --to postgres://recorder@db.example/agents --all'],
  async run(io: CliIO, args) {
    const loc = locate(io, args);
    const json = flagOpt(args, 'json');
    const { allLogsDirs, syncToStore } = await import('../../postgres/index.js');
    const dirs = flagOpt(args, 'all') ? await allLogsDirs(loc.globalIndexDir ?? zagBaseDir()) : [loc.logsDir];
    const store = await openCliStore(io, args, 'to', 'sync');
    const view = syncProgressView(io, json);
    let result;
    try {
      result = await syncToStore(dirs, store, { signal: io.signal, onProgress: (p) => view.update(p) });
    } finally {
      view.stop();
      await store.close();
    }
    if (json) {
      out(io, JSON.stringify({ machine: store.machine, logs_dirs: dirs, ...result }, null, 2));
    } else {
      out(
        io,
        `Sent ${result.eventsSent} events of ${result.sessionsSent} sessions to ${store.displayUrl} as machine ${store.machine} ` +
          `(${result.sessions - result.sessionsSent} sessions already there).`,
      );
    }
    return EXIT_OK;
  },
};

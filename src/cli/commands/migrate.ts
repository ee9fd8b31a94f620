import { flagOpt, type CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { out, type CliIO } from '../io.js';
import { openCliStore } from '../store-options.js';

export const migrateCommand: CommandSpec = {
  name: 'migrate',
  summary: "create or upgrade a PostgreSQL store's tables",
  description: [
    'Applies the schema migrations a PostgreSQL store lacks (once, even when many',
    'machines run it at the same time). Run it as the role that owns the schema;',
    'the roles that record and read then need only the grants shown in docs/postgres.md.',
  ].join('\n'),
  positionals: [],
  options: {
    store: { type: 'string', value: 'url', description: 'postgres://user:password@host:port/db (default: $ASL_STORE_URL)' },
    json: { type: 'boolean', description: 'print {"applied", "version"} as JSON' },
  },
  examples: ['agent-session-log migrate --store postgres://owner@db.example/agents'],
  async run(io: CliIO, args) {
    const store = await openCliStore(io, args, 'store', 'migrate', false);
    try {
      const r = await store.migrate();
      if (flagOpt(args, 'json')) out(io, JSON.stringify(r, null, 2));
      else out(io, `Store ${store.displayUrl} is at schema version ${r.version}${r.applied.length ? ` (applied ${r.applied.join(', ')})` : ' (up to date)'}.`);
    } finally {
      await store.close();
    }
    return EXIT_OK;
  },
};

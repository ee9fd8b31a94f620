import { join } from 'node:path';
import { rebuildIndex } from '../../index-files/index.js';
import { flagOpt, type CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { out, type CliIO } from '../io.js';
import { locate } from '../options.js';

export const rebuildIndexCommand: CommandSpec = {
  name: 'rebuild-index',
  summary: "rebuild this project's index.json from its session logs",
  description: [
    'Rebuilds <logs-dir>/index.json from sessions/*.jsonl. Use it after copying or',
    'deleting logs by hand. A corrupt index is kept beside it, never thrown away.',
  ].join('\n'),
  positionals: [],
  options: {
    json: { type: 'boolean', description: 'print {"index_path", "sessions"} as JSON' },
  },
  async run(io: CliIO, args) {
    const loc = locate(io, args);
    const index = await rebuildIndex(loc.logsDir);
    const indexPath = join(loc.logsDir, 'index.json');
    if (flagOpt(args, 'json')) {
      out(io, JSON.stringify({ index_path: indexPath, sessions: index.sessions.length }, null, 2));
    } else {
      out(io, `Rebuilt ${indexPath}: ${index.sessions.length} session${index.sessions.length === 1 ? '' : 's'}.`);
    }
    return EXIT_OK;
  },
};

import { readFileSync } from 'node:fs';
import { isSessionLogError } from '../errors.js';
import type { CommandSpec } from './command.js';
import { importCommand } from './commands/import.js';
import { listCommand } from './commands/list.js';
import { listenCommand } from './commands/listen.js';
import { migrateCommand } from './commands/migrate.js';
import { rebuildIndexCommand } from './commands/rebuild-index.js';
import { showCommand } from './commands/show.js';
import { syncCommand } from './commands/sync.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, oneLine, UsageError } from './errors.js';
import { BIN, commandHelp, mainHelp } from './help.js';
import { err, out, type CliIO } from './io.js';
import { parseCommand } from './options.js';

export const COMMANDS: readonly CommandSpec[] = [
  importCommand,
  listCommand,
  showCommand,
  listenCommand,
  rebuildIndexCommand,
  migrateCommand,
  syncCommand,
];

/** The package version, read once from package.json next to dist/ (or src/). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Runs the command line and returns the exit code: 0 ok, 1 failure (one line
 * on stderr), 2 bad usage. Never throws.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      // No command is bad usage: the help goes to stderr so a script's stdout stays empty.
      err(io, mainHelp(COMMANDS));
      return EXIT_USAGE;
    }
    if (first === '-h' || first === '--help' || first === 'help') {
      const topic = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      out(io, topic ? commandHelp(topic) : mainHelp(COMMANDS));
      return EXIT_OK;
    }
    if (first === '-v' || first === '--version') {
      out(io, version());
      return EXIT_OK;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (!command) {
      throw new UsageError(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`);
    }
    if (rest.includes('--version') || rest.includes('-v')) {
      out(io, version());
      return EXIT_OK;
    }
    const args = parseCommand(command, rest);
    if (args.values.help === true) {
      out(io, commandHelp(command));
      return EXIT_OK;
    }
    return await command.run(io, args);
  } catch (error) {
    return report(io, error);
  }
}

function report(io: CliIO, error: unknown): number {
  if (error instanceof UsageError) {
    const help = error.command ? `${BIN} ${error.command} --help` : `${BIN} --help`;
    err(io, `${BIN}: ${oneLine(error.message)} (see '${help}')`);
    return EXIT_USAGE;
  }
  if (isSessionLogError(error, 'ERR_ABORTED')) {
    err(io, `${BIN}: interrupted`);
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = isSessionLogError(error) ? ` [${error.code}]` : '';
  err(io, `${BIN}: ${oneLine(message)}${code}`);
  if (io.env.AGENT_SESSION_LOG_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT_FAILURE;
}

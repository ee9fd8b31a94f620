import { inert } from './inert.js';
import { isSessionLogError } from '../errors.js';
import type { CommandSpec } from './command.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { listCommand } from './commands/list.js';
import { listenCommand } from './commands/listen.js';
import { migrateCommand } from './commands/migrate.js';
import { rebuildIndexCommand } from './commands/rebuild-index.js';
import { searchCommand } from './commands/search.js';
import { showCommand } from './commands/show.js';
import { summaryCommand } from './commands/summary.js';
import { usageCommand } from './commands/usage.js';
import { subscribeCommand } from './commands/subscribe.js';
import { watchCommand } from './commands/watch.js';
import { logCommand } from './commands/log.js';
import { syncCommand } from './commands/sync.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, oneLine, UsageError } from './errors.js';
import { BIN, commandHelp, mainHelp } from './help.js';
import { err, interruptedExitCode, out, type CliIO } from './io.js';
import { closestChoice } from './choices.js';
import { parseCommand, splitLeadingOptions } from './options.js';
import { packageVersion } from './version.js';

export const COMMANDS: readonly CommandSpec[] = [
  importCommand,
  listCommand,
  showCommand,
  listenCommand,
  rebuildIndexCommand,
  searchCommand,
  summaryCommand,
  usageCommand,
  exportCommand,
  subscribeCommand,
  watchCommand,
  logCommand,
  migrateCommand,
  syncCommand,
];

/**
 * Runs the command line and returns the exit code: 0 ok, 1 failure (one line
 * on stderr), 2 bad usage. Never throws.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    // `--logs-dir X list` reads as `list --logs-dir X`; options after the command win.
    const { leading, remaining } = splitLeadingOptions(argv);
    const [first, ...after] = remaining;
    const rest = [...leading, ...after];
    if (first === undefined && leading.length > 0) throw new UsageError('missing command');
    if (first === undefined) {
      // No command is bad usage: the help goes to stderr so a script's stdout stays empty.
      err(io, mainHelp(COMMANDS));
      return EXIT_USAGE;
    }
    if (first === '-h' || first === '--help' || first === 'help') {
      const topic = first === 'help' ? COMMANDS.find((c) => c.name === after[0]) : undefined;
      out(io, topic ? commandHelp(topic) : mainHelp(COMMANDS));
      return EXIT_OK;
    }
    if (first === '-v' || first === '--version') {
      out(io, packageVersion());
      return EXIT_OK;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (!command) {
      if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'`);
      const hint = closestChoice(first, COMMANDS.map((c) => c.name));
      throw new UsageError(`unknown command '${first}'${hint ? `; did you mean '${hint}'?` : ''}`);
    }
    if (rest.includes('--version') || rest.includes('-v')) {
      out(io, packageVersion());
      return EXIT_OK;
    }
    const args = parseCommand(command, rest);
    if (args.values.help === true) {
      out(io, commandHelp(command));
      return EXIT_OK;
    }
    const code = await command.run(io, args);
    // Stopped by Ctrl-C (or SIGTERM): the shell's convention, 128 + the signal's number,
    // so a script can tell an interrupted run from a finished one.
    return io.signal.aborted ? interruptedExitCode(io.signal) : code;
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
  if (isSessionLogError(error, 'ERR_ABORTED') || (io.signal.aborted && isAbortError(error))) {
    err(io, `${BIN}: interrupted`);
    return interruptedExitCode(io.signal);
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = isSessionLogError(error) ? ` [${error.code}]` : '';
  // Messages can quote provider ids and paths: control characters are shown, never sent.
  err(io, inert(`${BIN}: ${oneLine(message)}${code}`));
  if (io.env.AGENT_SESSION_LOG_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT_FAILURE;
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

import type { CommandArgs, OptionSpec } from './command.js';
import { stringOpt } from './command.js';
import { UsageError } from './errors.js';
import type { CliIO } from './io.js';

export const MACHINE_OPTION: OptionSpec = {
  type: 'string',
  value: 'name',
  description: 'this machine\'s name in the store (default: $ASL_MACHINE, else the host name)',
};

/**
 * The store a command talks to: the option, else $ASL_STORE_URL. The store
 * module (and with it the optional `pg` client) is loaded only here, so the
 * other commands never need it.
 */
export async function openCliStore(io: CliIO, args: CommandArgs, option: string, command: string, migrate = true) {
  const url = stringOpt(args, option) ?? io.env.ASL_STORE_URL;
  if (url === undefined || url === '') throw new UsageError(`missing --${option} <url> (or set ASL_STORE_URL)`, command);
  const machine = stringOpt(args, 'machine');
  const { openPostgresStore } = await import('../postgres/index.js');
  return openPostgresStore({
    connectionString: url,
    env: io.env,
    migrate,
    ...(machine !== undefined ? { machine } : {}),
    onWarning: (w) => io.stderr.write(`warning: ${w.message}\n`),
  });
}

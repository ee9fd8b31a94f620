import { resolve } from 'node:path';
import { checkLogsDirReadable } from '../index-files/own-files.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { findGitRoot, logsDir, zagBaseDir } from '../paths/index.js';
import type { CommandArgs, CommandSpec, OptionSpec } from './command.js';
import { UsageError } from './errors.js';
import type { CliIO } from './io.js';

/** Options every command takes. */
export const SHARED_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'logs-dir': {
    type: 'string',
    value: 'dir',
    description: 'logs folder to use (default: $ZAG_USER_LOG_DIR, else ~/.zag/projects/<root>/logs)',
  },
  root: {
    type: 'string',
    value: 'dir',
    description: 'project root (default: the git root of the current folder)',
  },
  home: {
    type: 'string',
    value: 'dir',
    description: "home folder to use instead of yours (for ~/.zag and the agents' files)",
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/**
 * Parses a command's arguments with `node:util` parseArgs (strict: unknown
 * options and a wrong number of arguments are usage errors, exit 2).
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): CommandArgs {
  const all = { ...spec.options, ...SHARED_OPTIONS };
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(all)) {
    options[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, all), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), spec.name);
  }
  const values = parsed.values as CommandArgs['values'];
  if (values.help === true) return { values, positionals: parsed.positionals };
  const want = spec.positionals.length;
  const required = spec.positionals.filter((p) => !p.optional).length;
  if (parsed.positionals.length < required) {
    throw new UsageError(`missing argument ${spec.positionals[parsed.positionals.length]!.name}`, spec.name);
  }
  if (parsed.positionals.length > want) {
    throw new UsageError(`unexpected argument '${parsed.positionals[want]}'`, spec.name);
  }
  for (const [name, o] of Object.entries(all)) {
    const v = values[name];
    if (o.type === 'string' && (v === '' || (Array.isArray(v) && v.includes('')))) {
      throw new UsageError(`option --${name} needs a non-empty value`, spec.name);
    }
  }
  return { values, positionals: parsed.positionals };
}

/**
 * `--from-seq -5` is a value, not an option: parseArgs calls it ambiguous, so
 * join it (`--from-seq=-5`) and let the command say what is wrong with it.
 */
function joinNegativeValues(argv: readonly string[], all: Readonly<Record<string, OptionSpec>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && all[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** parseArgs' messages are long and suggest `--`; keep the first sentence, lower-cased like ours. */
function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `unknown option '${quoted}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(message) && quoted) return `option ${quoted.split(' ')[0]} needs a value`;
    if (/does not take an argument/.test(message) && quoted) return `option ${quoted} does not take a value`;
  }
  const first = message.split(/\.\s/)[0] ?? message;
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/**
 * Splits the shared options written before the command (`--logs-dir X list`)
 * from the rest, so that they can be handed to the command like its own.
 * Only the shared options with a value are taken; anything else before the
 * command (`--help`, `--version`, a typo) is left for the caller to judge.
 */
export function splitLeadingOptions(argv: readonly string[]): { leading: string[]; remaining: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq === -1 ? undefined : eq) : '';
    const spec = SHARED_OPTIONS[name];
    if (spec?.type !== 'string') break;
    if (eq !== -1) {
      leading.push(arg);
      i += 1;
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`);
      leading.push(arg, argv[i + 1]!);
      i += 2;
    }
  }
  return { leading, remaining: argv.slice(i) };
}

/** Where a command reads and writes, from the shared options. */
export interface Locations {
  /** The logs folder (`sessions/`, `index.json`, `backfill_state.json`). */
  logsDir: string;
  /** The home given with --home, or undefined for the user's own. */
  home: string | undefined;
  /**
   * The project the logs folder belongs to: --root, else (when the folder is
   * derived, not given) the git root of the current folder; null when the logs
   * folder is not a project's (--logs-dir, $ZAG_USER_LOG_DIR, outside git).
   */
  root: string | null;
  /** Folder of the global `sessions_index.json` (zag's `~/.zag`). */
  globalIndexDir: string;
}

export function locate(io: CliIO, args: CommandArgs): Locations {
  const given = (name: string): string | undefined => {
    const v = args.values[name];
    return typeof v === 'string' ? resolve(io.cwd, v) : undefined;
  };
  const home = given('home');
  const explicit = given('logs-dir');
  const chosenElsewhere = explicit !== undefined || Boolean(io.env.ZAG_USER_LOG_DIR);
  const root = given('root') ?? (chosenElsewhere ? null : findGitRoot(io.cwd));
  const dir =
    explicit ??
    logsDir(root, {
      cwd: io.cwd,
      ...(home !== undefined ? { home } : {}),
    });
  // A --logs-dir that is a file or unreadable: ERR_INVALID_LOGS_DIR, one clear line, exit 1.
  checkLogsDirReadable(dir);
  return { logsDir: dir, home, root, globalIndexDir: zagBaseDir(home !== undefined ? { home } : {}) };
}

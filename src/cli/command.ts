import type { CliIO } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `dir`. */
  value?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  /** May be left out (only trailing positionals); the command then checks what replaces it. */
  optional?: boolean;
}

/** The parsed command line of one command. */
export interface CommandArgs {
  values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  positionals: readonly string[];
}

/** One sub-command: its help, its options, and what it does. Returns the exit code. */
export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** A few lines for the command's own help. */
  description: string;
  positionals: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  /** Extra help text after the options (examples). */
  examples?: readonly string[];
  run(io: CliIO, args: CommandArgs): Promise<number>;
}

/** A string option's value (the last one if given twice). */
export function stringOpt(args: CommandArgs, name: string): string | undefined {
  const v = args.values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable option's values, also split on commas: `--type a,b --type c`. */
export function listOpt(args: CommandArgs, name: string): string[] | undefined {
  const v = args.values[name];
  if (v === undefined || typeof v === 'boolean') return undefined;
  const all = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(','));
  return all.map((s) => s.trim()).filter((s) => s !== '');
}

export function flagOpt(args: CommandArgs, name: string): boolean {
  return args.values[name] === true;
}

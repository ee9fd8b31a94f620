import type { CommandSpec, OptionSpec } from './command.js';
import { SHARED_OPTIONS } from './options.js';

export const BIN = 'agent-session-log';

function optionLabel(name: string, o: OptionSpec): string {
  const short = o.short ? `-${o.short}, ` : '';
  const value = o.type === 'string' ? ` <${o.value ?? 'value'}>` : '';
  return `${short}--${name}${value}`;
}

function columns(rows: readonly [string, string][]): string[] {
  const width = rows.reduce((w, [l]) => Math.max(w, l.length), 0) + 2;
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`);
}

/** The `<command> --help` text. */
export function commandHelp(spec: CommandSpec): string {
  const args = spec.positionals.map((p) => (p.optional ? ` [${p.name}]` : ` ${p.name}`)).join('');
  const lines = [`Usage: ${BIN} ${spec.name}${args} [options]`, '', spec.description, ''];
  if (spec.positionals.length > 0) {
    lines.push('Arguments:', ...columns(spec.positionals.map((p) => [p.name, p.description])), '');
  }
  const own = Object.entries(spec.options).map(([n, o]) => [optionLabel(n, o), o.description] as [string, string]);
  const shared = Object.entries(SHARED_OPTIONS).map(
    ([n, o]) => [optionLabel(n, o), o.description] as [string, string],
  );
  const all = columns([...own, ...shared]);
  if (own.length > 0) lines.push('Options:', ...all.slice(0, own.length), '');
  lines.push('Shared options:', ...all.slice(own.length));
  if (spec.examples && spec.examples.length > 0) {
    lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  }
  return lines.join('\n');
}

/** The top-level `--help` text. */
export function mainHelp(commands: readonly CommandSpec[]): string {
  return [
    `Usage: ${BIN} <command> [options]`,
    '',
    'One normalized JSONL event log per AI coding-agent session (Claude Code, Codex,',
    'Gemini CLI, Copilot CLI), in the format zag writes.',
    '',
    'Commands:',
    ...columns(commands.map((c) => [c.name, c.summary])),
    '',
    'Options:',
    ...columns([
      ['-h, --help', 'show this help (or a command\'s: <command> --help)'],
      ['-v, --version', 'print the version'],
    ]),
    '',
    'Shared options (--logs-dir, --root, --home) may also come before the command.',
    'Exit codes: 0 ok, 1 failure (one line on stderr), 2 bad usage, 130 interrupted (Ctrl-C).',
    'Colours are off when NO_COLOR is set, FORCE_COLOR=0, or the output is not a terminal.',
  ].join('\n');
}

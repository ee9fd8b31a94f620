/**
 * Values of an option that must be one of a known set (`--type`, `--provider`,
 * `--format`, ...). A typo is bad usage (exit 2) with a "did you mean" hint,
 * never a filter that silently matches nothing.
 */
import { LOG_EVENT_TYPES } from '../schema/index.js';
import { PROVIDER_NAMES } from '../providers/names.js';
import { listOpt, stringOpt, type CommandArgs } from './command.js';
import { UsageError } from './errors.js';

/** The known event types, for `--type`. */
export const EVENT_TYPE_CHOICES: readonly string[] = LOG_EVENT_TYPES;
/** The known providers, for `--provider`. */
export const PROVIDER_CHOICES: readonly string[] = PROVIDER_NAMES;

/** Edit distance (insert, delete, substitute, swap two neighbours), for suggestions. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known value closest to `value`, when it is close enough to be the one
 * meant: a prefix (`tool` → `tool_call`), a case slip, or a few typos.
 */
export function closestChoice(value: string, choices: readonly string[]): string | undefined {
  const v = value.toLowerCase();
  const exactCase = choices.find((c) => c.toLowerCase() === v);
  if (exactCase) return exactCase;
  let best: { choice: string; score: number } | undefined;
  for (const c of choices) {
    const score = c.startsWith(v) || v.startsWith(c) ? 0.5 : distance(v, c.toLowerCase());
    if (!best || score < best.score) best = { choice: c, score };
  }
  // About one typo per three characters: `tool_cal` and `claud` qualify, `xyz` does not.
  const allowed = Math.max(1, Math.floor(v.length / 3));
  return best && best.score <= allowed ? best.choice : undefined;
}

/** Throws the usage error for `value`, which is not among `choices`. */
export function unknownChoice(option: string, value: string, choices: readonly string[], command?: string): never {
  const hint = closestChoice(value, choices);
  const known = choices.length <= 8 ? ` (known: ${choices.join(', ')})` : '';
  const suggestion = hint !== undefined ? `; did you mean '${hint}'?` : known;
  throw new UsageError(`unknown ${option} value '${value}'${suggestion}`, command);
}

/** Checks each value against `choices`; returns them (undefined when the option was not given). */
export function checkChoices(
  option: string,
  values: readonly string[] | undefined,
  choices: readonly string[],
  command?: string,
): string[] | undefined {
  if (values === undefined) return undefined;
  for (const v of values) if (!choices.includes(v)) unknownChoice(option, v, choices, command);
  return [...values];
}

/**
 * A repeatable, comma-separated option whose values must be known:
 * `choicesOpt(args, 'type', EVENT_TYPE_CHOICES, 'show')`.
 */
export function choicesOpt(
  args: CommandArgs,
  name: string,
  choices: readonly string[],
  command?: string,
): string[] | undefined {
  return checkChoices(`--${name}`, listOpt(args, name), choices, command);
}

/** A single-valued option whose value must be known (`--format html`); undefined when absent. */
export function choiceOpt<T extends string>(
  args: CommandArgs,
  name: string,
  choices: readonly T[],
  command?: string,
): T | undefined {
  const v = stringOpt(args, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) unknownChoice(`--${name}`, v, choices, command);
  return v as T;
}

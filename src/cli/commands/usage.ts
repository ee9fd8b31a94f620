import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isSessionLogError, SessionLogError } from '../../errors.js';
import {
  BUNDLED_PRICES,
  USAGE_GROUPS,
  usageReport,
  withPriceOverrides,
  type PriceTable,
  type UsageGroupBy,
  type UsageReportRow,
} from '../../sessions/index.js';
import { formatCost, formatCount, renderBoxTable } from '../box-table.js';
import { checkChoices } from '../choices.js';
import { flagOpt, stringOpt, type CommandArgs, type CommandSpec, type OptionSpec } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { out, type CliIO } from '../io.js';
import { locate } from '../options.js';
import { painter, useColor } from '../style.js';
import { READ_STORE_OPTIONS, readingStore } from '../reading-store.js';

export const pricesOption: OptionSpec = {
  type: 'string',
  value: 'file',
  description: 'JSON price table overriding the bundled one: {"models": {"<model>": {"input", "output", "cache_read", "cache_write"}}} ($ per million tokens)',
};

/** The --prices file merged over the bundled table, or undefined without the option. */
export async function readPrices(
  io: CliIO,
  args: CommandArgs,
  read: (path: string, encoding: 'utf8') => Promise<string>,
): Promise<PriceTable | undefined> {
  const file = stringOpt(args, 'prices');
  if (file === undefined) return undefined;
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = await read(path, 'utf8');
  } catch (error) {
    throw new SessionLogError('ERR_IO', `cannot read --prices ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SessionLogError('ERR_INVALID_OPTION', `--prices ${path} is not JSON: ${(error as Error).message}`);
  }
  return withPriceOverrides(BUNDLED_PRICES, json);
}

const HEAD: Record<UsageGroupBy, string> = {
  day: 'Date',
  week: 'Week',
  month: 'Month',
  session: 'Session',
  model: 'Model',
  provider: 'Provider',
};

export const usageCommand: CommandSpec = {
  name: 'usage',
  summary: 'token and cost totals by day, week, month, session, model or provider',
  description: [
    'Adds up the usage events of this project (or of every project, with --all) and prints a table',
    'like ccusage: input, output, cache write and read tokens, their total, and the cost.',
    "Cost is the provider's own figure where its record has one, else the bundled price table",
    '(dated; --prices overrides it); "-" when the model is unknown, "*" when only partly priced.',
    'Days, weeks (from Monday) and months are in --timezone (default: the system time zone).',
  ].join('\n'),
  positionals: [],
  options: {
    by: { type: 'string', value: 'group', description: `group by ${USAGE_GROUPS.join(', ')} (default: day)` },
    since: { type: 'string', value: 'time', description: 'usage at or after this time (ISO, or a time ago: 1h, 2d, 3w)' },
    until: { type: 'string', value: 'time', description: 'usage at or before this time' },
    timezone: { type: 'string', value: 'tz', description: 'IANA time zone for days, weeks and months, e.g. Europe/Paris' },
    prices: pricesOption,
    all: { type: 'boolean', description: 'every project (the global index)' },
    json: { type: 'boolean', description: 'print the report as JSON' },
    ...READ_STORE_OPTIONS,
  },
  examples: ['agent-session-log usage --by model --since 7d', 'agent-session-log usage --by month --all --json'],
  async run(io: CliIO, args) {
    const loc = locate(io, args);
    const by = stringOpt(args, 'by') ?? 'day';
    checkChoices('--by', [by], USAGE_GROUPS, 'usage');
    const prices = await readPrices(io, args, readFile);
    const store = await readingStore(io, args, 'usage');
    const scope = store
      ? { store }
      : flagOpt(args, 'all')
        ? { allProjects: true, ...(loc.home !== undefined ? { home: loc.home } : {}) }
        : { logsDir: loc.logsDir };
    let report;
    try {
      report = await usageReport({
        ...scope,
        groupBy: by as UsageGroupBy,
        signal: io.signal,
        ...(stringOpt(args, 'since') ? { since: stringOpt(args, 'since')! } : {}),
        ...(stringOpt(args, 'until') ? { until: stringOpt(args, 'until')! } : {}),
        ...(stringOpt(args, 'timezone') ? { timeZone: stringOpt(args, 'timezone')! } : {}),
        ...(prices ? { prices } : {}),
      });
    } catch (error) {
      if (isSessionLogError(error, 'ERR_INVALID_OPTION')) throw new UsageError(error.message, 'usage');
      throw error;
    } finally {
      await store?.close();
    }
    if (flagOpt(args, 'json')) {
      out(io, JSON.stringify(report, null, 2));
      return EXIT_OK;
    }
    if (report.rows.length === 0) {
      out(io, 'No usage in range.');
      return EXIT_OK;
    }
    const paint = painter(useColor(io));
    const cells = (key: string, r: Omit<UsageReportRow, 'key'>, models: string): string[] => [
      key,
      models,
      formatCount(r.input_tokens),
      formatCount(r.output_tokens),
      formatCount(r.cache_creation_tokens),
      formatCount(r.cache_read_tokens),
      formatCount(r.total_tokens),
      formatCost(r.cost_usd, r.unpriced_tokens),
    ];
    const rows = report.rows.map((r) => cells(by === 'session' ? r.key.slice(0, 8) : r.key, r, r.models.map((m) => `- ${m}`).join('\n')));
    const t = report.totals;
    const total = cells('Total', { ...t, models: [], providers: [], sessions: 0 }, '');
    let header = [HEAD[by as UsageGroupBy], 'Models', 'Input', 'Output', 'Cache Create', 'Cache Read', 'Total Tokens', 'Cost (USD)'];
    let numeric = [false, false, true, true, true, true, true, true];
    let body = rows;
    let totalRow = total;
    if (by === 'model') {
      // The key is the model: a Models column would repeat it.
      const drop = <T,>(r: readonly T[]): T[] => r.filter((_, i) => i !== 1);
      [header, numeric, body, totalRow] = [drop(header), drop(numeric), rows.map(drop), drop(total)];
    }
    for (const l of renderBoxTable(header, body, { numeric, total: totalRow, paint })) out(io, l);
    const notes = [`Prices as of ${report.prices_as_of}${prices ? ' (with --prices)' : ''}; times in ${report.time_zone}.`];
    if (t.unpriced_tokens > 0) notes.push(`* ${formatCount(t.unpriced_tokens)} tokens of models without a price are not in the cost.`);
    for (const n of notes) out(io, paint('dim', n));
    return EXIT_OK;
  },
};

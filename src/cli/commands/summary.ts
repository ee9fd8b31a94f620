import { readFile } from 'node:fs/promises';
import { summarizeSession, type SessionSummary } from '../../sessions/index.js';
import { flagOpt, type CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { findSession } from '../find-session.js';
import { formatDateTime } from '../format-event.js';
import { out, type CliIO } from '../io.js';
import { locate } from '../options.js';
import { painter, useColor, type Paint } from '../style.js';
import { renderTable } from '../table.js';
import { findStoreSession, READ_STORE_OPTIONS, withReadingStore } from '../reading-store.js';
import { ID_ARGUMENT } from './show.js';
import { formatCost, formatCount } from '../box-table.js';
import { pricesOption, readPrices } from './usage.js';

export const summaryCommand: CommandSpec = {
  name: 'summary',
  summary: 'summarize one session: title, models, duration, tools, tokens, cost, errors',
  description: [
    'Reads one session log and prints what it amounts to: its first prompt, models, start, end and',
    'duration, events per type, tool calls per tool (with failures), tokens and cost, and errors.',
  ].join('\n'),
  positionals: [ID_ARGUMENT],
  options: {
    json: { type: 'boolean', description: 'print the summary as JSON' },
    prices: pricesOption,
    ...READ_STORE_OPTIONS,
  },
  examples: ['agent-session-log summary 2190bd69', 'agent-session-log summary 2190bd69 --json'],
  async run(io: CliIO, args) {
    const prices = await readPrices(io, args, readFile);
    const found = await withReadingStore(io, args, 'summary', async (store) => {
      const opts = { signal: io.signal, ...(prices ? { prices } : {}) };
      if (store) {
        const s = await findStoreSession(store, args.positionals[0]!);
        const summary = await summarizeSession(s.wrapper_session_id, { ...opts, store, machine: s.machine });
        return { head: { session_id: s.wrapper_session_id, machine: s.machine, log_path: s.log_path }, summary };
      }
      const session = await findSession(locate(io, args), args.positionals[0]!);
      return { head: { session_id: session.id, log_path: session.logPath }, summary: await summarizeSession(session.logPath, opts) };
    });
    if (flagOpt(args, 'json')) {
      out(io, JSON.stringify({ ...found.head, ...found.summary }, null, 2));
      return EXIT_OK;
    }
    for (const l of describe(found.head.session_id, found.summary, painter(useColor(io)))) out(io, l);
    return EXIT_OK;
  },
};

function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

function describe(id: string, s: SessionSummary, paint: Paint): string[] {
  const u = s.usage;
  const lines = [
    paint('bold', `Session ${id}`),
    `  Title     ${s.title ?? '-'}`,
    `  Models    ${s.models.length > 0 ? s.models.join(', ') : '-'}`,
    `  Started   ${formatDateTime(s.started_at)}`,
    `  Ended     ${s.ended_at ? formatDateTime(s.ended_at) : 'not ended'}`,
    `  Duration  ${duration(s.duration_ms)}`,
    `  Tokens    ${formatCount(u.input_tokens)} in, ${formatCount(u.output_tokens)} out, ` +
      `${formatCount(u.cache_read_tokens)} cache read, ${formatCount(u.cache_creation_tokens)} cache write`,
    `  Cost      ${formatCost(u.cost_usd, u.unpriced_tokens)}${u.unpriced_tokens > 0 ? ` (${formatCount(u.unpriced_tokens)} tokens of an unknown model not priced)` : ''}`,
    '',
    paint('bold', 'Events'),
    ...Object.entries(s.events_by_type)
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `  ${t.padEnd(20)}${String(n).padStart(6)}`),
  ];
  const tools = Object.entries(s.tools).sort((a, b) => b[1].calls - a[1].calls);
  if (tools.length > 0) {
    lines.push('', paint('bold', 'Tools'));
    const rows = tools.map(([name, t]) => [name, String(t.calls), String(t.failed)]);
    lines.push(...renderTable(['TOOL', 'CALLS', 'FAILED'], rows, paint).map((l) => `  ${l}`));
  }
  if (s.errors.length > 0) {
    lines.push('', paint('bold', 'Errors'));
    for (const e of s.errors) lines.push(`  ${paint('red', `#${e.seq}`)} ${formatDateTime(e.ts)} ${e.message}`);
  }
  return lines;
}

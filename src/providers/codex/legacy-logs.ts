import type { LogEventInput } from '../../schema/index.js';
import { readLines } from '../../tail/index.js';
import { RecordClock, num, obj, stampWithFileTime, str, type ParsedEvent } from '../shared/index.js';
import { errorLimitSignal, limitEvent } from './limits.js';
import { codexToolKind } from './tools.js';

/** One thing known about a session that has no rollout file, with its time (ms) when known. */
export interface LegacyEntry {
  atMs: number | undefined;
  event: LogEventInput;
}

/**
 * `history.jsonl`: `{session_id, ts (epoch s), text}` per prompt typed in the
 * TUI. Returns the prompts of the sessions in `wanted` (all when undefined).
 */
export async function readPromptHistory(
  path: string,
  wanted: (id: string) => boolean,
  signal?: AbortSignal,
): Promise<Map<string, LegacyEntry[]>> {
  const out = new Map<string, LegacyEntry[]>();
  for await (const { line } of readLines(path, { signal })) {
    let rec: Record<string, unknown> | undefined;
    try {
      rec = obj(JSON.parse(line));
    } catch {
      continue; // history.jsonl is an index, not the session: a torn line loses one prompt at most
    }
    const id = str(rec?.session_id);
    const text = str(rec?.text);
    if (!id || text === undefined || !wanted(id)) continue;
    const ts = num(rec?.ts);
    const list = out.get(id) ?? [];
    list.push({ atMs: ts !== undefined ? ts * 1000 : undefined, event: { type: 'user_message', role: 'user', content: text, message_id: null } });
    out.set(id, list);
  }
  return out;
}

const THREAD_ID = /thread_id=([^\s}:,]+)/;
const LEADING_TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/;

/**
 * Legacy `log/codex-tui.log` (tracing text, one line per record, with a
 * `thread_id=…` span field): tool calls, background events, client errors and
 * usage-limit messages of the threads in `ids`. Versions from 0.14x on no
 * longer write it.
 */
export async function readTuiLog(path: string, ids: ReadonlySet<string>, signal?: AbortSignal): Promise<Map<string, LegacyEntry[]>> {
  const out = new Map<string, LegacyEntry[]>();
  if (ids.size === 0) return out;
  for await (const { line } of readLines(path, { signal })) {
    const id = THREAD_ID.exec(line)?.[1];
    if (!id || !ids.has(id)) continue;
    const event = tuiLineEvent(line, id);
    if (!event) continue;
    const ts = LEADING_TS.exec(line)?.[1];
    const list = out.get(id) ?? [];
    list.push({ atMs: ts ? Date.parse(ts) : undefined, event });
    out.set(id, list);
  }
  return out;
}

/** Maps one TUI log line of thread `id` to an event, or undefined when it says nothing useful. */
export function tuiLineEvent(line: string, id: string): LogEventInput | undefined {
  const toolAt = line.indexOf('ToolCall: ');
  if (toolAt >= 0) {
    const rest = line.slice(toolAt + 'ToolCall: '.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const argText = space < 0 ? '' : rest.slice(space + 1).split(' thread_id=')[0]!.trim();
    let input: unknown = argText || null;
    try {
      input = JSON.parse(argText);
    } catch {
      /* kept as text */
    }
    return { type: 'tool_call', tool_name: name, tool_kind: codexToolKind(name), tool_id: null, input };
  }
  const message = line.replace(LEADING_TS, '').trim();
  const limit = errorLimitSignal({ message }, undefined);
  if (limit) return limitEvent({ ...limit, raw: message }, `codex:${id}:${LEADING_TS.exec(line)?.[1] ?? 'tui-log'}`);
  if (line.includes('BackgroundEvent:') || line.includes('codex_core::client:') || / ERROR /.test(line)) {
    return { type: 'provider_status', message, data: null };
  }
  return undefined;
}

/** Merges entries by time, stably; entries without a time go last, in their order. */
export function mergeByTime(...lists: LegacyEntry[][]): LogEventInput[] {
  return sortedByTime(lists).map((e) => e.event);
}

function sortedByTime(lists: LegacyEntry[][]): LegacyEntry[] {
  const all = lists.flat().map((e, i) => ({ ...e, i }));
  all.sort((a, b) => (a.atMs ?? Infinity) - (b.atMs ?? Infinity) || a.i - b.i);
  return all;
}

/**
 * The merged entries as backfill events, each with its own time (the shared
 * record-time rule for the untimed ones; `fallbackPath`'s modification time
 * when none has a time).
 */
export function timedLegacyEvents(lists: LegacyEntry[][], fallbackPath: string): ParsedEvent[] {
  const clock = new RecordClock();
  const out: ParsedEvent[] = [];
  for (const entry of sortedByTime(lists)) {
    clock.note(entry.atMs);
    for (const e of clock.stamp([['backfill', entry.event]])) out.push(e);
  }
  for (const e of stampWithFileTime(clock.end([]), fallbackPath)) out.push(e);
  return out;
}

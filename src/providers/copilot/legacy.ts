import type { LogEventInput, LogSourceKind } from '../../schema/index.js';
import { RecordClock, arr, obj, parseWarning, recordTime, str, type ParsedEvent, type SessionMeta } from '../shared/index.js';
import { copilotToolKind } from './tools.js';

/**
 * The legacy Copilot CLI format (<= 0.0.33x, 2025):
 * `history-session-state/<sessionId>.json`, one JSON document rewritten in
 * place: `{sessionId, startTime, chatMessages[], timeline[]}` where
 * `chatMessages` are OpenAI chat messages (`role`, `content`, `tool_calls[]`,
 * `tool_call_id`). It records no tokens; `timeline` repeats the chat for the
 * TUI and is read only for its entries' times (see {@link LegacyTimes}).
 */
export interface LegacySession {
  meta: SessionMeta;
  events: ParsedEvent[];
}

/** Converts one legacy document's text; a broken document is one parse_warning. */
export function parseLegacySession(text: string, source: LogSourceKind = 'backfill'): LegacySession {
  let doc: Record<string, unknown> | undefined;
  try {
    doc = obj(JSON.parse(text));
  } catch (err) {
    return { meta: {}, events: [parseWarning(source, `invalid JSON: ${(err as Error).message}`, text)] };
  }
  if (!doc) return { meta: {}, events: [parseWarning(source, 'legacy session is not a JSON object', text)] };
  const meta: SessionMeta = {};
  const id = str(doc.sessionId);
  if (id !== undefined) meta.sessionId = id;
  // The document's start is its first record: the time of whatever has none before the first timed entry.
  const clock = new RecordClock();
  const start = clock.note(doc.startTime);
  if (start !== undefined) meta.startedAt = start;
  const times = new LegacyTimes(doc.timeline);
  const out: ParsedEvent[] = [];
  const toolNames = new Map<string, string>();
  for (const m of arr(doc.chatMessages) ?? []) {
    const msg = obj(m);
    if (!msg) continue;
    const role = str(msg.role);
    const content = messageText(msg.content);
    // Asked for every message, so the timeline stays aligned with the chat.
    const at = recordTime(msg.timestamp) ?? times.of(role, msg);
    const events: LogEventInput[] = [];
    if (role === 'user' && content) {
      events.push({ type: 'user_message', role: 'user', content });
    } else if (role === 'assistant') {
      if (content) events.push({ type: 'assistant_message', content });
      for (const c of arr(msg.tool_calls) ?? []) {
        const call = obj(c);
        const fn = obj(call?.function);
        const name = str(fn?.name) ?? 'unknown';
        const callId = str(call?.id);
        if (callId !== undefined) toolNames.set(callId, name);
        events.push({
          type: 'tool_call',
          tool_name: name,
          tool_kind: copilotToolKind(name),
          tool_id: callId ?? null,
          input: jsonArguments(fn?.arguments),
        });
      }
    } else if (role === 'tool') {
      const callId = str(msg.tool_call_id);
      const name = (callId !== undefined ? toolNames.get(callId) : undefined) ?? str(msg.name);
      events.push({
        type: 'tool_result',
        tool_name: name ?? null,
        tool_kind: name ? copilotToolKind(name) : undefined,
        tool_id: callId ?? null,
        output: content ?? null,
      });
    }
    if (events.length === 0) continue;
    clock.note(at);
    for (const e of clock.stamp(events.map((e): ParsedEvent => [source, e]))) out.push(e);
  }
  // Untimed events are left when the document has no readable time at all: the reader gives them the file's.
  for (const e of clock.end([])) out.push(e);
  // The start is the document's first record (startTime, else the first timed entry); the end its latest time.
  for (const e of out) {
    const ts = e[2];
    if (ts === undefined) continue;
    meta.startedAt ??= ts;
    if (meta.endedAt === undefined || ts > meta.endedAt) meta.endedAt = ts;
  }
  return { meta, events: out };
}

/**
 * The times `timeline` gives the chat messages. Its entries
 * (`{type, timestamp, callId?}`) repeat the chat in order: the n-th `user`
 * entry is the n-th user message, the n-th `copilot` (or `assistant`) entry
 * the n-th assistant message, and tool entries name their call. Entries
 * without a readable time, or that match nothing, are simply not used.
 */
class LegacyTimes {
  readonly #user: Array<string | undefined> = [];
  readonly #assistant: Array<string | undefined> = [];
  readonly #calls = new Map<string, string>();
  readonly #results = new Map<string, string>();
  #users = 0;
  #assistants = 0;

  constructor(timeline: unknown) {
    for (const raw of arr(timeline) ?? []) {
      const entry = obj(raw);
      if (!entry) continue;
      const type = str(entry.type) ?? '';
      const ts = recordTime(entry.timestamp);
      if (type === 'user') this.#user.push(ts);
      else if (type === 'copilot' || type === 'assistant') this.#assistant.push(ts);
      const callId = str(entry.callId) ?? str(entry.toolCallId);
      if (callId === undefined || ts === undefined) continue;
      if (/complet|result|finish/.test(type)) this.#results.set(callId, ts);
      else if (!this.#calls.has(callId)) this.#calls.set(callId, ts);
    }
  }

  /** The time of chat message `msg` (taken in chat order), if the timeline has one. */
  of(role: string | undefined, msg: Record<string, unknown>): string | undefined {
    if (role === 'user') return this.#user[this.#users++];
    if (role === 'tool') {
      const callId = str(msg.tool_call_id);
      return callId === undefined ? undefined : this.#results.get(callId);
    }
    if (role !== 'assistant') return undefined;
    const content = messageText(msg.content);
    const own = content ? this.#assistant[this.#assistants++] : undefined;
    if (own !== undefined) return own;
    // A message that only calls tools: the time its first call was requested.
    for (const c of arr(msg.tool_calls) ?? []) {
      const callId = str(obj(c)?.id);
      const at = callId === undefined ? undefined : this.#calls.get(callId);
      if (at !== undefined) return at;
    }
    return undefined;
  }
}

/** OpenAI content: a string or a list of `{type:"text", text}` parts. */
function messageText(content: unknown): string | undefined {
  const s = str(content);
  if (s !== undefined) return s;
  const parts = (arr(content) ?? [])
    .map((p) => str(obj(p)?.text))
    .filter((t): t is string => t !== undefined);
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/** OpenAI tool arguments are a JSON string; keep the string when it is not JSON. */
function jsonArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? null;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

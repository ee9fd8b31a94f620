import type { LogEventInput, LogSourceKind } from '../../schema/index.js';
import { arr, obj, parseWarning, str, type ParsedEvent, type SessionMeta } from '../shared/index.js';
import { copilotToolKind } from './tools.js';

/**
 * The legacy Copilot CLI format (<= 0.0.33x, 2025):
 * `history-session-state/<sessionId>.json`, one JSON document rewritten in
 * place: `{sessionId, startTime, chatMessages[], timeline[]}` where
 * `chatMessages` are OpenAI chat messages (`role`, `content`, `tool_calls[]`,
 * `tool_call_id`). It records no tokens; `timeline` only repeats the chat for
 * the TUI and is not read.
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
  const start = str(doc.startTime);
  if (start !== undefined) meta.startedAt = start;
  const events: LogEventInput[] = [];
  const toolNames = new Map<string, string>();
  for (const m of arr(doc.chatMessages) ?? []) {
    const msg = obj(m);
    if (!msg) continue;
    const role = str(msg.role);
    const content = messageText(msg.content);
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
  }
  return { meta, events: events.map((e): ParsedEvent => [source, e]) };
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

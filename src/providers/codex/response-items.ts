import { arr, obj, str } from '../shared/index.js';
import { contentItemsText, readToolOutput } from './exec-output.js';
import type { CodexState } from './state.js';

/** Response-item types that carry nothing to log (their content is reported elsewhere or is opaque). */
const SILENT_ITEMS = new Set(['ghost_snapshot', 'compaction', 'compaction_summary', 'other']);

/**
 * Injected context that Codex sends as a `user` (or `developer`) message:
 * environment context, AGENTS.md, permissions, skills, collaboration mode,
 * shell-command echoes, aborted-turn notes. They are never prompts.
 */
export function isInjectedUserText(text: string): boolean {
  const t = text.trimStart();
  if (t.startsWith('# AGENTS.md instructions')) return true;
  // A whole message wrapped in one tag: `<environment_context>…</environment_context>`.
  return /^<([a-z_][\w -]*)>[\s\S]*<\/\1>\s*$/i.test(t);
}

/** `function_call.arguments` is a JSON string; an unparsable one is kept as the string. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? null;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** A `response_item` payload (or, in the bare pre-envelope format, the record itself). */
export function handleResponseItem(s: CodexState, p: Record<string, unknown>, rec: Record<string, unknown>, raw: string): void {
  const type = str(p.type) ?? '';
  switch (type) {
    case 'message':
      return message(s, p, rec);
    case 'reasoning':
      return reasoning(s, p);
    case 'function_call': {
      const name = str(p.name) ?? 'unknown';
      const id = str(p.call_id) ?? str(p.id) ?? s.generatedId('call');
      return s.emit(...s.tools.call(id, name, parseArguments(p.arguments)));
    }
    case 'custom_tool_call': {
      const id = str(p.call_id) ?? str(p.id) ?? s.generatedId('call');
      return s.emit(...s.tools.call(id, str(p.name) ?? 'unknown', p.input ?? null));
    }
    case 'local_shell_call': {
      const id = str(p.call_id) ?? str(p.id) ?? s.generatedId('call');
      return s.emit(...s.tools.call(id, 'local_shell', p.action ?? null));
    }
    case 'function_call_output':
    case 'custom_tool_call_output': {
      const id = str(p.call_id) ?? s.generatedId('output');
      return s.emit(...s.tools.output(id, readToolOutput(p.output)));
    }
    case 'web_search_call':
      return webSearch(s, p, 'response');
    case 'image_generation_call': {
      const id = str(p.id) ?? s.generatedId('image');
      s.emit(...s.tools.call(id, 'image_generation', { revised_prompt: p.revised_prompt ?? null }));
      const status = str(p.status);
      return s.emit(...s.tools.output(id, { text: status ?? '', ...(status ? { success: status !== 'failed' } : {}) }));
    }
    default:
      if (SILENT_ITEMS.has(type)) return;
      return s.noteUnknown(`response_item:${type || '(none)'}`, raw);
  }
}

function message(s: CodexState, p: Record<string, unknown>, rec: Record<string, unknown>): void {
  const role = str(p.role);
  const content = arr(p.content) ?? [];
  const id = str(p.id);
  if (role === 'assistant') {
    // The summary a compaction request produced: reported as the compaction's
    // status, not as something the assistant said to the user.
    if (obj(rec.metadata)?.compaction_output === true) {
      s.status('compaction summary', { content: contentItemsText(content), message_id: id ?? null });
      return;
    }
    for (const part of content) {
      const text = str(obj(part)?.text);
      if (text !== undefined) s.text('assistant', text, 'response', id);
    }
    return;
  }
  // Envelope formats: prompts come from the events (user_message / UserMessage);
  // user response items are either the same prompt again or injected context.
  if (role === 'user' && s.bare) {
    const text = contentItemsText(content);
    if (text.trim() !== '' && !isInjectedUserText(text)) {
      s.emit({ type: 'user_message', role: 'user', content: text, message_id: id ?? null });
    }
  }
}

function reasoning(s: CodexState, p: Record<string, unknown>): void {
  const id = str(p.id);
  for (const part of arr(p.summary) ?? []) {
    const text = str(obj(part)?.text) ?? str(part);
    if (text !== undefined) s.text('reasoning', text, 'response', id);
  }
  for (const part of arr(p.content) ?? []) {
    const text = str(obj(part)?.text);
    if (text !== undefined) s.text('reasoning_raw', text, 'response', id);
  }
}

/**
 * A web search is recorded as `web_search_call` (response item, no call id
 * in 0.125) and `web_search_end` / paginated `WebSearch` (event, with the
 * `ws_…` id, usually first). Each search becomes one tool_call + tool_result,
 * matched across the two channels by its query (see dedupe.ts).
 */
export function webSearch(s: CodexState, p: Record<string, unknown>, channel: 'response' | 'event', id?: string): void {
  const action = obj(p.action);
  const query = str(p.query) ?? str(action?.query) ?? (action ? JSON.stringify(action) : '');
  if (!s.twins.admit('web_search', query, channel)) return;
  const toolId = id ?? str(p.call_id) ?? str(p.id) ?? s.generatedId('web_search');
  const input = action ?? { type: 'search', query };
  s.emit(...s.tools.call(toolId, 'web_search', input));
  const status = str(p.status);
  const success = status === undefined || status === 'completed' ? true : status === 'failed' ? false : undefined;
  s.emit(...s.tools.output(toolId, { text: query, ...(success !== undefined ? { success } : {}) }));
}

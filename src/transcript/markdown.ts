/**
 * A transcript as one Markdown file. Provider text is untrusted: tool inputs
 * and outputs go into fenced blocks longer than any backtick run they hold,
 * and prose has its HTML-significant characters escaped outside code, so a
 * Markdown viewer shows `<script>` as text instead of rendering it.
 */
import { formatDuration, toolCallSummary, toolInputText, toolResultText, type Transcript, type TranscriptItem } from './model.js';
import { formatStamp, stamper } from './time.js';

export interface RenderOptions {
  /** IANA zone for the times shown (default `UTC`). */
  timeZone?: string;
}

/** The longest run of backticks in `text`; a loop, since a text may hold more runs than a call takes arguments. */
function longestRun(text: string): number {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) if (m[0].length > longest) longest = m[0].length;
  return longest;
}

/** A fenced block that no line of `text` can close early. */
export function fence(text: string, info = ''): string {
  const longest = Math.max(2, longestRun(text));
  const f = '`'.repeat(longest + 1);
  return `${f}${info}\n${text}\n${f}`;
}

/** Inline code that holds any text (backticks included) on one line. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  const longest = longestRun(flat);
  const f = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${f}${pad}${flat}${pad}${f}`;
}

const escapeProse = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Prose from an agent or a user: kept as Markdown (agents write Markdown),
 * with `&`, `<` and `>` escaped everywhere except inside code, where a
 * Markdown viewer shows them literally anyway.
 */
export function safeProse(text: string): string {
  const out: string[] = [];
  let inFence: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (inFence !== null) {
      out.push(line);
      if (marker && marker[0] === inFence[0] && marker.length >= inFence.length && line.trim() === marker) inFence = null;
      continue;
    }
    if (marker) {
      inFence = marker;
      out.push(line);
      continue;
    }
    // Outside fences: escape everything but inline code spans.
    out.push(line.split(/(`+[^`]*?`+)/).map((part, i) => (i % 2 === 1 ? part : escapeProse(part))).join(''));
  }
  // An unclosed fence would swallow the rest of the transcript: close it.
  if (inFence !== null) out.push(inFence);
  return out.join('\n');
}

/** Prose inside a block quote, every line quoted. */
function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? '>' : `> ${l}`))
    .join('\n');
}

function roleLabel(role: string): string {
  if (role === 'user') return 'User';
  if (role === 'assistant') return 'Assistant';
  return role.charAt(0).toUpperCase() + role.slice(1);
}

function header(t: Transcript, timeZone: string): string[] {
  const lines = [`# ${escapeProse(t.title ?? `Session ${t.sessionId ?? ''}`)}`, ''];
  const row = (k: string, v: string): void => {
    lines.push(`- **${k}:** ${v}`);
  };
  row('Session', `${codeSpan(t.sessionId ?? '?')}${t.provider ? ` (${escapeProse(t.provider)})` : ''}`);
  if (t.providerSessionId && t.providerSessionId !== t.sessionId) row("Provider's session", codeSpan(t.providerSessionId));
  if (t.models.length > 0) row(t.models.length > 1 ? 'Models' : 'Model', t.models.map(codeSpan).join(', '));
  if (t.cwd) row('Folder', codeSpan(t.cwd));
  row('Started', `${formatStamp(t.startedAt, timeZone)} ${timeZone}`);
  row('Last event', `${formatStamp(t.endedAt, timeZone)} ${timeZone}`);
  if (t.durationMs !== null) row('Duration', formatDuration(t.durationMs));
  const u = t.usage;
  row(
    'Tokens',
    `${u.input_tokens} in, ${u.output_tokens} out, ${u.cache_read_tokens} cache read, ${u.cache_creation_tokens} cache write` +
      (u.cost_usd !== null ? ` ($${u.cost_usd.toFixed(4)})` : ''),
  );
  row('Tool calls', String(t.tools.length));
  row('Outcome', t.outcome === null ? 'no end recorded' : t.outcome.success ? 'completed' : `failed${t.outcome.error ? `: ${escapeProse(t.outcome.error)}` : ''}`);
  lines.push('');
  return lines;
}

function item(it: TranscriptItem, at: (ts: string | undefined) => string): string {
  const sub = (agent: string | undefined): string => (agent ? ` · sub-agent ${codeSpan(agent.slice(0, 12))}` : '');
  switch (it.kind) {
    case 'message':
      return `### ${roleLabel(escapeProse(it.role))} · ${at(it.event.ts)}${sub(it.subagent)}\n\n${safeProse(it.text)}`;
    case 'reasoning':
      return `> **Reasoning** · ${at(it.event.ts)}${sub(it.subagent)}\n>\n${quote(safeProse(it.text))}`;
    case 'tool': {
      const status = it.result === null ? 'no result' : it.ok === false ? '✗ failed' : it.ok === true ? '✓' : 'done';
      const duration = it.durationMs !== null ? ` · ${formatDuration(it.durationMs)}` : '';
      const head = `#### Tool ${it.number}: ${codeSpan(it.call.tool_name)} · ${at(it.call.ts)} · ${status}${duration}${sub(it.subagent)}`;
      const parts = [head, '', `${escapeProse(it.call.tool_kind ?? 'tool')} call: ${codeSpan(toolCallSummary(it.call.input).slice(0, 200))}`];
      const input = toolInputText(it.call.input);
      if (input) parts.push('', fence(input, typeof it.call.input === 'string' ? '' : 'json'));
      if (it.result) {
        const text = toolResultText(it.result);
        parts.push('', `Result (${at(it.result.ts)}):`, '', fence(text === '' ? '(empty)' : text));
      }
      return parts.join('\n');
    }
    case 'orphan_result':
      return `#### Result of ${codeSpan(it.result.tool_name ?? it.result.tool_id ?? 'a tool')} · ${at(it.result.ts)}${sub(it.subagent)}\n\n${fence(toolResultText(it.result) || '(empty)')}`;
    case 'notice': {
      const mark = it.level === 'error' ? '**Error:**' : it.level === 'warning' ? '**Warning:**' : '**Note:**';
      return `${mark} ${escapeProse(it.text.replace(/\s*\n\s*/g, ' '))}${it.event ? ` (${at(it.event.ts)})` : ''}`;
    }
  }
}

function timeline(t: Transcript, at: (ts: string | undefined) => string): string[] {
  if (t.tools.length === 0) return [];
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = ['## Timeline', '', '| # | tool | what | started | duration | result |', '| ---: | --- | --- | --- | ---: | --- |'];
  for (const tool of t.tools) {
    const what = toolCallSummary(tool.call.input).slice(0, 60);
    const result = tool.result === null ? 'none' : tool.ok === false ? '✗' : '✓';
    lines.push(
      `| ${tool.number} | ${cell(codeSpan(tool.call.tool_name))} | ${what ? cell(codeSpan(what)) : ''} | ${at(tool.call.ts)} | ${tool.durationMs !== null ? formatDuration(tool.durationMs) : '-'} | ${result} |`,
    );
  }
  lines.push('');
  return lines;
}

/** The transcript as Markdown text. */
export function renderMarkdown(t: Transcript, options: RenderOptions = {}): string {
  const timeZone = options.timeZone ?? 'UTC';
  const at = stamper(t, timeZone);
  const lines = [...header(t, timeZone), ...timeline(t, at), '## Conversation', ''];
  for (const it of t.items) lines.push(item(it, at), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

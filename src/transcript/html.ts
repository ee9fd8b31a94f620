/**
 * A transcript as one self-contained HTML page: inline CSS, no script, no
 * external resource, and a Content-Security-Policy that forbids both, so the
 * file can be mailed or attached and opened anywhere. Every piece of provider
 * text goes through `escapeHtml`: a provider's output is hostile (a tool
 * result may well hold `<script>`), and the page must show it as text.
 */
import { formatDuration, toolCallSummary, toolInputText, toolResultText, type Transcript, type TranscriptItem, type TranscriptTool } from './model.js';
import type { RenderOptions } from './markdown.js';
import { formatStamp, stamper } from './time.js';

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A result longer than this many lines or characters starts collapsed. */
const LONG_LINES = 12;
const LONG_CHARS = 1200;

function isLong(text: string): boolean {
  if (text.length > LONG_CHARS) return true;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) if (++lines > LONG_LINES) return true;
  return false;
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length;
}

const CSS = `
:root{--bg:#f7f7f8;--card:#fff;--ink:#1d1d1f;--dim:#6b6b76;--line:#e2e2e8;--user:#e8f0fe;--user-ink:#174ea6;
--asst:#fff;--tool:#fbf8ef;--ok:#1e7e34;--bad:#c5221f;--bar:#d9a21b;--code:#f1f1f4;--sub:#7b3fbf}
@media (prefers-color-scheme:dark){:root{--bg:#151518;--card:#1e1e22;--ink:#e8e8ea;--dim:#9a9aa6;--line:#33333a;
--user:#1d2a44;--user-ink:#9cc0ff;--asst:#1e1e22;--tool:#24221b;--ok:#5cc46f;--bad:#ff6b62;--code:#2a2a30;--sub:#c39bff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:980px;margin:0 auto;padding:24px 16px 64px}
h1{font-size:1.5em;margin:0 0 12px;overflow-wrap:anywhere}
h2{font-size:1.15em;margin:32px 0 12px;border-bottom:1px solid var(--line);padding-bottom:4px}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--code);border-radius:6px;padding:10px 12px;margin:6px 0 0;overflow:auto;max-height:70vh;white-space:pre-wrap;overflow-wrap:anywhere}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:0}
.meta dt{color:var(--dim)}.meta dd{margin:0;overflow-wrap:anywhere}
.timeline{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 12px}
.tl-row{display:grid;grid-template-columns:2.5em minmax(8em,14em) 1fr 5.5em;gap:8px;align-items:center;padding:3px 0;border-top:1px solid var(--line)}
.tl-row:first-child{border-top:0}
.tl-row a{color:inherit;text-decoration:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.tl-n{color:var(--dim);text-align:right}
.tl-track{position:relative;height:14px;background:var(--code);border-radius:3px}
.tl-bar{position:absolute;top:2px;bottom:2px;min-width:3px;background:var(--bar);border-radius:2px}
.tl-bar.bad{background:var(--bad)}.tl-bar.none{background:var(--dim)}
.tl-dur{text-align:right;font-variant-numeric:tabular-nums}
.item{margin:12px 0;border:1px solid var(--line);border-radius:8px;background:var(--card);padding:10px 14px}
.item.sub{margin-left:32px;border-left:3px solid var(--sub)}
.who{font-size:.85em;color:var(--dim);margin-bottom:4px;display:flex;gap:8px;flex-wrap:wrap;align-items:baseline}
.who b{color:var(--ink)}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.msg.user{background:var(--user)}.msg.user .who b{color:var(--user-ink)}
.tool{background:var(--tool)}
.tool .call{overflow-wrap:anywhere}
.badge{font-size:.8em;border-radius:10px;padding:0 8px;border:1px solid var(--line)}
.badge.sub{color:var(--sub);border-color:var(--sub)}
.ok{color:var(--ok)}.bad{color:var(--bad)}
details{margin-top:6px}
details>summary{cursor:pointer;color:var(--dim);font-size:.9em}
details.reasoning>summary{font-style:italic}
.notice{font-size:.92em;padding:6px 14px}
.notice.warning{border-color:var(--bar)}.notice.error{border-color:var(--bad);color:var(--bad)}
footer{margin-top:32px;color:var(--dim);font-size:.85em}
`;

type At = (ts: string | undefined) => string;

function subBadge(agent: string | undefined): string {
  return agent ? ` <span class="badge sub">sub-agent ${escapeHtml(agent.slice(0, 12))}</span>` : '';
}

function statusHtml(tool: TranscriptTool): string {
  if (tool.result === null) return '<span class="badge">no result</span>';
  if (tool.ok === false) return '<span class="bad">✗ failed</span>';
  return tool.ok === true ? '<span class="ok">✓</span>' : '<span>done</span>';
}

function toolHtml(tool: TranscriptTool, at: At): string {
  const what = toolCallSummary(tool.call.input);
  const input = toolInputText(tool.call.input);
  const duration = tool.durationMs !== null ? `<span class="duration">${escapeHtml(formatDuration(tool.durationMs))}</span>` : '';
  const parts = [
    `<section class="item tool${tool.subagent ? ' sub' : ''}" id="tool-${tool.number}" data-tool-number="${tool.number}">`,
    `<div class="who"><b>Tool ${tool.number}: ${escapeHtml(tool.call.tool_name)}</b>` +
      `${tool.call.tool_kind ? `<span class="badge">${escapeHtml(tool.call.tool_kind)}</span>` : ''}` +
      `<span>${escapeHtml(at(tool.call.ts))}</span>${statusHtml(tool)}${duration}${subBadge(tool.subagent)}</div>`,
  ];
  if (what) parts.push(`<div class="call"><code>${escapeHtml(what.length > 300 ? `${what.slice(0, 299)}…` : what)}</code></div>`);
  if (input && input !== what) {
    parts.push(`<details class="tool-input"${isLong(input) ? '' : ' open'}><summary>Input</summary><pre>${escapeHtml(input)}</pre></details>`);
  }
  if (tool.result) {
    const text = toolResultText(tool.result);
    const lines = lineCount(text);
    const label = `Result · ${escapeHtml(at(tool.result.ts))} · ${lines} line${lines === 1 ? '' : 's'}`;
    parts.push(
      `<details class="tool-result"${isLong(text) ? '' : ' open'}><summary>${label}</summary><pre>${text === '' ? '(empty)' : escapeHtml(text)}</pre></details>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

function roleLabel(role: string): string {
  if (role === 'user') return 'User';
  if (role === 'assistant') return 'Assistant';
  return role.charAt(0).toUpperCase() + role.slice(1);
}

function itemHtml(it: TranscriptItem, at: At): string {
  switch (it.kind) {
    case 'message': {
      const cls = it.role === 'user' ? 'user' : it.role === 'assistant' ? 'assistant' : 'other';
      return (
        `<article class="item msg ${cls}${it.subagent ? ' sub' : ''}"><div class="who"><b>${escapeHtml(roleLabel(it.role))}</b>` +
        `<span>${escapeHtml(at(it.event.ts))}</span>${subBadge(it.subagent)}</div><div class="text">${escapeHtml(it.text)}</div></article>`
      );
    }
    case 'reasoning':
      return (
        `<div class="item reasoning-item${it.subagent ? ' sub' : ''}"><details class="reasoning"><summary>Reasoning · ${escapeHtml(at(it.event.ts))}</summary>` +
        `<div class="text">${escapeHtml(it.text)}</div></details>${subBadge(it.subagent)}</div>`
      );
    case 'tool':
      return toolHtml(it, at);
    case 'orphan_result': {
      const text = toolResultText(it.result);
      return (
        `<section class="item tool orphan${it.subagent ? ' sub' : ''}"><div class="who"><b>Result of ${escapeHtml(it.result.tool_name ?? it.result.tool_id ?? 'a tool')}</b>` +
        `<span>${escapeHtml(at(it.result.ts))}</span><span class="badge">call not in the log</span></div>` +
        `<details class="tool-result"${isLong(text) ? '' : ' open'}><summary>Result</summary><pre>${escapeHtml(text || '(empty)')}</pre></details></section>`
      );
    }
    case 'notice':
      return `<div class="item notice ${it.level}">${escapeHtml(it.text)}${it.event ? ` <span class="who">${escapeHtml(at(it.event.ts))}</span>` : ''}</div>`;
  }
}

/**
 * One row per tool call: a bar placed where the call started within the
 * session, as long as it ran (at least a sliver, so instant calls show).
 */
function timelineHtml(t: Transcript, at: At): string {
  if (t.tools.length === 0) return '';
  const start = t.startedAt ? Date.parse(t.startedAt) : NaN;
  const total = t.durationMs ?? 0;
  const pct = (v: number): string => `${Math.min(100, Math.max(0, v)).toFixed(2)}%`;
  const rows = t.tools.map((tool) => {
    const callAt = Date.parse(tool.call.ts);
    const left = total > 0 && Number.isFinite(start) && Number.isFinite(callAt) ? ((callAt - start) / total) * 100 : 0;
    const width = total > 0 && tool.durationMs !== null ? (tool.durationMs / total) * 100 : 0;
    const cls = tool.result === null ? ' none' : tool.ok === false ? ' bad' : '';
    const what = toolCallSummary(tool.call.input);
    const label = `${tool.call.tool_name}${what ? ` ${what}` : ''}`;
    const duration = tool.durationMs !== null ? formatDuration(tool.durationMs) : 'no result';
    return (
      `<div class="tl-row" data-tool-number="${tool.number}"><span class="tl-n">${tool.number}</span>` +
      `<a href="#tool-${tool.number}" title="${escapeHtml(`${at(tool.call.ts)} ${label}`.slice(0, 500))}">${escapeHtml(label.slice(0, 120))}</a>` +
      `<span class="tl-track"><span class="tl-bar${cls}" style="left:${pct(left)};width:${pct(Math.min(width, 100 - left))}"></span></span>` +
      `<span class="tl-dur">${escapeHtml(duration)}</span></div>`
    );
  });
  return `<h2>Timeline</h2>\n<div class="timeline">\n${rows.join('\n')}\n</div>`;
}

function metaHtml(t: Transcript, timeZone: string): string {
  const rows: [string, string][] = [['Session', `${t.sessionId ?? '?'}${t.provider ? ` (${t.provider})` : ''}`]];
  if (t.providerSessionId && t.providerSessionId !== t.sessionId) rows.push(["Provider's session", t.providerSessionId]);
  if (t.models.length > 0) rows.push([t.models.length > 1 ? 'Models' : 'Model', t.models.join(', ')]);
  if (t.cwd) rows.push(['Folder', t.cwd]);
  rows.push(['Started', `${formatStamp(t.startedAt, timeZone)} ${timeZone}`]);
  rows.push(['Last event', `${formatStamp(t.endedAt, timeZone)} ${timeZone}`]);
  if (t.durationMs !== null) rows.push(['Duration', formatDuration(t.durationMs)]);
  const u = t.usage;
  rows.push([
    'Tokens',
    `${u.input_tokens} in, ${u.output_tokens} out, ${u.cache_read_tokens} cache read, ${u.cache_creation_tokens} cache write` +
      (u.cost_usd !== null ? ` ($${u.cost_usd.toFixed(4)})` : ''),
  ]);
  rows.push(['Tool calls', String(t.tools.length)]);
  rows.push(['Outcome', t.outcome === null ? 'no end recorded' : t.outcome.success ? 'completed' : `failed${t.outcome.error ? `: ${t.outcome.error}` : ''}`]);
  return `<dl class="meta">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

/** The transcript as a complete HTML document. */
export function renderHtml(t: Transcript, options: RenderOptions = {}): string {
  const timeZone = options.timeZone ?? 'UTC';
  const at = stamper(t, timeZone);
  const title = t.title ?? `Session ${t.sessionId ?? ''}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Defence in depth: even a bug in escaping could not run a script or fetch anything.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    metaHtml(t, timeZone),
    timelineHtml(t, at),
    '<h2>Conversation</h2>',
    '<div class="conversation">',
    ...t.items.map((it) => itemHtml(it, at)),
    '</div>',
    `<footer>${t.eventCount} events · exported by agent-session-log</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Transcripts through the public API: exportSession on an imported fixture
 * session (Markdown and HTML text), and on hand-written logs for the times the
 * fixtures do not have (a session over midnight, known tool durations).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportSession, formatDuration, readSessionLog, renderTranscript, type AgentLogEvent } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { handWrittenLog, HOSTILE_OUTPUT, importFixtureSession, SESSION_ID } from './helpers/fixture-session.js';

async function eventsOf(path: string): Promise<AgentLogEvent[]> {
  const all: AgentLogEvent[] = [];
  for await (const ev of readSessionLog(path)) all.push(ev);
  return all;
}

/** Each tool call of a log with its result and the expected duration text, from the log itself. */
function pairs(events: AgentLogEvent[]): { name: string; id: string; output: string; duration: string }[] {
  const out = [];
  for (const call of events) {
    if (call.type !== 'tool_call') continue;
    const result = events.find((e) => e.type === 'tool_result' && e.tool_id === call.tool_id);
    if (result?.type !== 'tool_result') throw new Error(`no result for ${call.tool_id}`);
    out.push({
      name: call.tool_name,
      id: call.tool_id!,
      output: result.output ?? '',
      duration: formatDuration(Date.parse(result.ts) - Date.parse(call.ts)),
    });
  }
  return out;
}

/** The Markdown sections of a transcript, by heading. */
function sections(markdown: string): string[] {
  return markdown.split(/\n(?=#{2,4} )/);
}

describe('exportSession: markdown', () => {
  it('holds the conversation, and each tool call in one section with its own result and duration', async () => {
    const s = await importFixtureSession(tempDir('asl-transcript-md-'));
    const md = await exportSession(s.logPath, { format: 'markdown' });
    const events = await eventsOf(s.logPath);

    expect(md.startsWith('# add a mul() function to src/math.js\n')).toBe(true);
    expect(md).toContain(`- **Session:** \`${SESSION_ID}\` (claude)`);
    for (const ev of events) {
      if (ev.type === 'user_message' || ev.type === 'assistant_message') expect(md).toContain(ev.content);
    }
    const tools = pairs(events);
    expect(tools.map((t) => t.name)).toEqual(['Agent', 'Read', 'Bash', 'Edit']);
    const toolSections = sections(md).filter((x) => x.startsWith('#### Tool '));
    expect(toolSections).toHaveLength(tools.length);
    tools.forEach((tool, i) => {
      const section = toolSections[i]!;
      expect(section.startsWith(`#### Tool ${i + 1}: \`${tool.name}\``)).toBe(true);
      expect(section).toContain(tool.duration);
      // The result's first line is in this call's section, not another one's.
      expect(section).toContain(tool.output.split('\n')[0]!);
    });
    // The reasoning is quoted apart from the answer.
    expect(md).toContain('> **Reasoning**');
    expect(md).toContain('> The edit applied cleanly; summarise.');
  });

  it('keeps hostile tool output inside a fenced block, where viewers show it as text', async () => {
    const s = await importFixtureSession(tempDir('asl-transcript-md-hostile-'), { hostile: true });
    const md = await exportSession(s.logPath, { format: 'markdown' });
    const lines = md.split('\n');
    const at = lines.indexOf(HOSTILE_OUTPUT.split('\n')[0]!);
    expect(at).toBeGreaterThan(0);
    // The nearest fence line above opens a block that closes after the whole output.
    const open = lines.slice(0, at).findLastIndex((l) => /^`{3,}/.test(l));
    const fenceText = lines[open]!.match(/^`+/)![0];
    const close = lines.findIndex((l, i) => i > at && l === fenceText);
    expect(lines.slice(open + 1, close).join('\n')).toBe(HOSTILE_OUTPUT);
  });

  it('escapes markup in prose outside code, and keeps code spans and fences as written', () => {
    const ev = (seq: number, type: string, fields: Record<string, unknown>): AgentLogEvent =>
      ({
        seq,
        ts: `2026-11-28T10:00:0${seq}.000Z`,
        provider: 'codex',
        wrapper_session_id: 'prose-1',
        provider_session_id: null,
        source_kind: 'backfill',
        completeness: 'full',
        type,
        ...fields,
      }) as unknown as AgentLogEvent;
    const md = renderTranscript(
      [
        ev(1, 'user_message', { role: 'user', content: 'why <img src=x onerror=alert(1)> & co?', message_id: null }),
        ev(2, 'assistant_message', { content: 'Use `a<b` here:\n```html\n<b>kept</b>\n```\nthen <i>this</i>.', message_id: null }),
      ],
      { format: 'markdown' },
    );
    expect(md).toContain('why &lt;img src=x onerror=alert(1)&gt; &amp; co?');
    expect(md).toContain('Use `a<b` here:\n```html\n<b>kept</b>\n```\nthen &lt;i&gt;this&lt;/i&gt;.');
    expect(md).not.toContain('<img');
  });
});

describe('exportSession: times', () => {
  const log = handWrittenLog('night-1', [
    { ts: '2026-11-28T23:59:50.000Z', type: 'session_started', fields: { command: 'backfill', model: 'gpt-5.5', cwd: '/w', resumed: false, backfilled: true } },
    { ts: '2026-11-28T23:59:51.000Z', type: 'user_message', fields: { role: 'user', content: 'list the files', message_id: null } },
    { ts: '2026-11-28T23:59:58.000Z', type: 'tool_call', fields: { tool_name: 'exec_command', tool_kind: 'shell', tool_id: 'c1', input: { cmd: 'ls' } } },
    { ts: '2026-11-29T00:00:00.500Z', type: 'tool_result', fields: { tool_name: 'exec_command', tool_kind: 'shell', tool_id: 'c1', success: true, output: 'a.txt', error: null, data: null } },
    { ts: '2026-11-29T00:00:01.000Z', type: 'tool_call', fields: { tool_name: 'exec_command', tool_kind: 'shell', tool_id: 'c2', input: { cmd: 'false' } } },
    { ts: '2026-11-29T00:01:06.000Z', type: 'tool_result', fields: { tool_name: 'exec_command', tool_kind: 'shell', tool_id: 'c2', success: false, output: null, error: 'exit 1', data: null } },
    { ts: '2026-11-29T00:01:07.000Z', type: 'session_ended', fields: { success: true, error: null } },
  ]);

  it('times each tool call from its call to its result, and writes dates when the session spans days', async () => {
    const dir = tempDir('asl-transcript-times-');
    const path = join(dir, 'night-1.jsonl');
    await writeFile(path, log);
    const md = await exportSession(path, { format: 'markdown' });
    expect(md).toContain('| 1 | `exec_command` | `ls` | 2026-11-28 23:59:58 | 2.5 s | ✓ |');
    expect(md).toContain('| 2 | `exec_command` | `false` | 2026-11-29 00:00:01 | 1 min 5 s | ✗ |');
    expect(md).toContain('- **Duration:** 1 min 17 s');
    const html = await exportSession(path, { format: 'html' });
    expect(html).toContain('<span class="tl-dur">2.5 s</span>');
    expect(html).toContain('<span class="tl-dur">1 min 5 s</span>');
    expect(html).toContain('2026-11-29 00:00:01');
  });

  it('shows times alone within one day, in the time zone asked for', async () => {
    const dir = tempDir('asl-transcript-tz-');
    const path = join(dir, 'night-1.jsonl');
    await writeFile(path, log);
    // In Paris the whole session is on 2026-11-29 (UTC+1).
    const md = await exportSession(path, { format: 'markdown', timeZone: 'Europe/Paris' });
    expect(md).toContain('| 1 | `exec_command` | `ls` | 00:59:58 | 2.5 s | ✓ |');
    expect(md).toContain('- **Started:** 2026-11-29 00:59:50 Europe/Paris');
  });

  it('rejects an unknown format or time zone with ERR_INVALID_OPTION', async () => {
    await expect(exportSession('/nonexistent.jsonl', { format: 'pdf' as 'html' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(exportSession('/nonexistent.jsonl', { format: 'html', timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
  });
});

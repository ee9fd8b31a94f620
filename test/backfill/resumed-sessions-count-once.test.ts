/**
 * Resumed sessions, as the real CLIs write them (test/fixtures/<provider>/real/resume-print,
 * and Claude Code's older new-file layout in claude/real/resume-print-old-layout): every
 * provider record is imported once, in the session it first appeared in, and the resume is
 * marked (docs/resumed-sessions.md).
 */
import { appendFile, cp, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultHistoricalAdapters, readSessionLog, runBackfill, type AgentLogEvent } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const PROJECT = join('.claude', 'projects', '-tmp-realcli-claude-project');
const FIRST = '8075e106-cdf6-4806-ab43-6e34451fb941';
const RESUMED = '5d1f0c3a-0b6e-4c47-9a3e-2f8b7c1d9e04';
const PROMPTS = ['list the files', 'now show me src/math.js'];

async function events(logs: string, id: string): Promise<AgentLogEvent[]> {
  const out: AgentLogEvent[] = [];
  for await (const e of readSessionLog(join(logs, 'sessions', `${id}.jsonl`))) out.push(e);
  return out;
}

async function allEvents(logs: string): Promise<Map<string, AgentLogEvent[]>> {
  const out = new Map<string, AgentLogEvent[]>();
  for (const name of (await readdir(join(logs, 'sessions'))).sort()) {
    const id = name.replace(/\.jsonl$/, '');
    out.set(id, await events(logs, id));
  }
  return out;
}

const prompts = (es: AgentLogEvent[]): string[] =>
  es.flatMap((e) => (e.type === 'user_message' ? [e.content] : []));
const outputTokens = (es: AgentLogEvent[]): number =>
  es.reduce((n, e) => n + (e.type === 'usage' ? e.output_tokens : 0), 0);
type Status = Extract<AgentLogEvent, { type: 'provider_status' }>;
const resumeMarks = (es: AgentLogEvent[]): Status[] =>
  es.filter((e): e is Status => e.type === 'provider_status' && (e.data as { kind?: string } | null)?.kind === 'session_resumed');

/** Output tokens of the distinct API messages of a Claude file (a message's lines repeat its usage). */
async function distinctClaudeOutputTokens(file: string): Promise<number> {
  const byMessage = new Map<string, number>();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.includes('"type":"assistant"')) continue;
    const rec = JSON.parse(line) as { message?: { id?: string; usage?: { output_tokens?: number } } };
    const id = rec.message?.id;
    if (id) byMessage.set(id, Math.max(byMessage.get(id) ?? 0, rec.message?.usage?.output_tokens ?? 0));
  }
  return [...byMessage.values()].reduce((a, b) => a + b, 0);
}

async function homeOf(...parts: string[]): Promise<string> {
  const home = tempDir('asl-resume-home-');
  await cp(join(FIXTURES, ...parts), home, { recursive: true });
  return home;
}

describe('a resume appended to the same file (the current CLIs)', () => {
  for (const provider of ['claude', 'codex', 'gemini', 'copilot'] as const) {
    it(`${provider}: one session, each prompt once, the resume marked once where the second invocation starts`, async () => {
      const home = await homeOf(provider, 'real', 'resume-print');
      const logs = tempDir('asl-resume-logs-');
      const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }).filter((a) => a.provider === provider));
      expect(result).toMatchObject({ imported: 1, failed: [] });
      const [[id, es]] = [...(await allEvents(logs))] as [[string, AgentLogEvent[]]];
      expect(prompts(es)).toEqual(PROMPTS);
      const marks = resumeMarks(es);
      expect(marks).toHaveLength(1);
      expect((marks[0]!.data as { resumed_from: string }).resumed_from).toBe(id);
      const at = es.indexOf(marks[0]!);
      // After everything of the first invocation, before the resumed prompt.
      expect(prompts(es.slice(0, at))).toEqual([PROMPTS[0]]);
      expect(prompts(es.slice(at))).toEqual([PROMPTS[1]]);
      const calls = es.flatMap((e) => (e.type === 'tool_call' ? [e.tool_id] : []));
      expect(calls).toHaveLength(2);
      expect(new Set(calls).size).toBe(2);
      // The log itself is not a resumed wrapper session: it starts with the first invocation.
      expect(es[0]).toMatchObject({ type: 'session_started', resumed: false });
    });
  }

  it('claude: the usage adds up to the distinct API messages of the file', async () => {
    const home = await homeOf('claude', 'real', 'resume-print');
    const logs = tempDir('asl-resume-logs-');
    await runBackfill(logs, null, defaultHistoricalAdapters({ home }).filter((a) => a.provider === 'claude'));
    const file = join(home, PROJECT, `${FIRST}.jsonl`);
    expect(outputTokens(await events(logs, FIRST))).toBe(await distinctClaudeOutputTokens(file));
  });
});

describe('a resume into a new file that repeats the earlier records (older Claude Code)', () => {
  const claude = (home: string) => defaultHistoricalAdapters({ home }).filter((a) => a.provider === 'claude');

  it('imports the repeated records once, in the earlier session; the resuming one is resumed: true and names it', async () => {
    const home = await homeOf('claude', 'real', 'resume-print-old-layout');
    const logs = tempDir('asl-resume-logs-');
    expect(await runBackfill(logs, null, claude(home))).toMatchObject({ imported: 2, failed: [] });
    const first = await events(logs, FIRST);
    const resumed = await events(logs, RESUMED);
    expect(prompts(first)).toEqual([PROMPTS[0]]);
    expect(prompts(resumed)).toEqual([PROMPTS[1]]);
    expect(first[0]).toMatchObject({ type: 'session_started', resumed: false });
    expect(resumed[0]).toMatchObject({ type: 'session_started', resumed: true });
    const marks = resumeMarks(resumed);
    expect(marks).toHaveLength(1);
    expect(marks[0]!.data).toMatchObject({ resumed_from: FIRST });
    expect(resumeMarks(first)).toEqual([]);
    // No message of the first session shows up again in the second.
    const ids = (es: AgentLogEvent[]) => new Set(es.flatMap((e) => ('message_id' in e && e.message_id ? [e.message_id] : [])));
    for (const id of ids(first)) expect(ids(resumed).has(id)).toBe(false);
    // Counted once: the sessions' usage adds up to the distinct messages of the new file (which holds both parts).
    const total = outputTokens(first) + outputTokens(resumed);
    expect(total).toBe(await distinctClaudeOutputTokens(join(home, PROJECT, `${RESUMED}.jsonl`)));
    expect(total).toBeGreaterThan(0);
  });

  it('keeps them out of the resuming session across runs: its file appearing later, or the earlier file deleted after its import', async () => {
    const home = await homeOf('claude', 'real', 'resume-print-old-layout');
    const resumedFile = join(home, PROJECT, `${RESUMED}.jsonl`);
    const saved = await readFile(resumedFile);
    await rm(resumedFile);
    const logs = tempDir('asl-resume-logs-');
    expect(await runBackfill(logs, null, claude(home))).toMatchObject({ imported: 1 });

    await appendFile(resumedFile, saved); // the resume happens after the first import
    expect(await runBackfill(logs, null, claude(home))).toMatchObject({ imported: 1, skipped: 1 });
    expect(prompts(await events(logs, RESUMED))).toEqual([PROMPTS[1]]);

    // Claude Code's clean-up deletes the old file; the resuming file then changes and is imported again.
    await rm(join(home, PROJECT, `${FIRST}.jsonl`));
    const extra = { type: 'user', uuid: '0b0b0b0b-0000-4000-8000-000000000001', parentUuid: null, sessionId: RESUMED,
      timestamp: '2026-12-04T15:10:00.000Z', message: { role: 'user', content: 'one more thing' } };
    await appendFile(resumedFile, `${JSON.stringify(extra)}\n`);
    expect(await runBackfill(logs, null, claude(home))).toMatchObject({ imported: 1, failed: [] });
    expect(prompts(await events(logs, RESUMED))).toEqual([PROMPTS[1], 'one more thing']);
    expect(prompts(await events(logs, FIRST))).toEqual([PROMPTS[0]]);
  });

  it('keeps them in the resuming session when the earlier session is nowhere else (its file gone, never imported)', async () => {
    const home = await homeOf('claude', 'real', 'resume-print-old-layout');
    await rm(join(home, PROJECT, `${FIRST}.jsonl`));
    const logs = tempDir('asl-resume-logs-');
    expect(await runBackfill(logs, null, claude(home))).toMatchObject({ imported: 1 });
    const resumed = await events(logs, RESUMED);
    expect(prompts(resumed)).toEqual(PROMPTS);
    expect(resumed[0]).toMatchObject({ type: 'session_started', resumed: true });
    expect(resumeMarks(resumed)[0]!.data).toMatchObject({ resumed_from: FIRST });
  });
});

import { mkdtemp, readdir, symlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackfilledSession, LogEventInput, LogSourceKind } from '../../../src/index.js';

export const FIXTURES = resolve(fileURLToPath(new URL('../../fixtures/claude', import.meta.url)));

/**
 * Fixtures with tests of their own, left out of the generic per-file scan (which counts each file's
 * records in its own session): records of an older resume belong to the earlier session
 * (test/backfill/resumed-sessions-count-once), inline sidechain runs are told apart by their parentUuid
 * chains (inline-sidechains-are-separate-subagents).
 */
const OWN_TESTS = ['/real/resume-print-old-layout/', '/inline-sidechains/'];
const hasOwnTest = (path: string): boolean => OWN_TESTS.some((p) => `${path}/`.includes(p));

/** Homes laid out like `~` whose `.claude` holds fixtures: the generated set and each real run. */
export async function fixtureHomes(): Promise<Array<{ name: string; home: string }>> {
  const generated = await mkdtemp(join(tmpdir(), 'claude-home-'));
  await symlink(FIXTURES, join(generated, '.claude'));
  const homes = [{ name: 'generated', home: generated }];
  for (const run of (await readdir(join(FIXTURES, 'real'))).sort()) {
    if (!hasOwnTest(join(FIXTURES, 'real', run))) homes.push({ name: `real/${run}`, home: join(FIXTURES, 'real', run) });
  }
  return homes;
}

/** Every `.jsonl` under a `projects` folder (session and sub-agent files). */
export async function sessionFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && entry.name.endsWith('.jsonl') && path.includes('/projects/') && !hasOwnTest(path)) out.push(path);
  }
  return out.sort();
}

export async function collect(session: BackfilledSession): Promise<Array<[LogSourceKind, LogEventInput]>> {
  const out: Array<[LogSourceKind, LogEventInput]> = [];
  for await (const e of session.events as AsyncIterable<[LogSourceKind, LogEventInput]>) out.push(e);
  return out;
}

type Rec = Record<string, unknown>;
const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Expected {
  prompts: string[];
  texts: string[];
  reasoning: string[];
  toolCalls: string[];
  toolResults: string[];
  tokens: { input: number; output: number; cacheRead: number; cacheCreation: number };
}

/**
 * What the events of a session must contain, computed straight from the
 * source files with a deliberately simple scan (not the parser's code).
 * `agentId` is the sub-agent a file belongs to (its ids get marked).
 */
export function expectedFromFiles(files: Array<{ path: string; agentId?: string }>): Expected {
  const exp: Expected = {
    prompts: [],
    texts: [],
    reasoning: [],
    toolCalls: [],
    toolResults: [],
    tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
  };
  const usage = new Map<string, number[]>();
  for (const { path, agentId } of files) {
    const mark = (id: unknown): unknown => (agentId && typeof id === 'string' ? `subagent:${agentId}:${id}` : id);
    const names = new Map<string, string>();
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    for (const line of lines) {
      const r = JSON.parse(line) as Rec;
      const msg = isObj(r.message) ? r.message : {};
      const content = msg.content;
      if (r.type === 'user' && !r.isMeta && !r.isCompactSummary && (r.origin as Rec | undefined)?.kind !== 'task-notification') {
        const texts =
          typeof content === 'string'
            ? [content]
            : Array.isArray(content)
              ? content.filter((b: Rec) => b.type === 'text').map((b: Rec) => b.text as string)
              : [];
        for (const t of texts) {
          if (!/^\s*(<|\[Request interrupted)/.test(t)) exp.prompts.push(JSON.stringify([t, mark(r.uuid)]));
        }
        if (Array.isArray(content)) {
          for (const b of content as Rec[]) {
            if (b.type !== 'tool_result') continue;
            exp.toolResults.push(
              JSON.stringify([mark(b.tool_use_id), names.get(b.tool_use_id as string) ?? null, b.is_error !== true]),
            );
          }
        }
      }
      if (r.type === 'attachment' && isObj(r.attachment) && r.attachment.type === 'queued_command') {
        const a = r.attachment;
        if ((a.commandMode ?? 'prompt') === 'prompt') exp.prompts.push(JSON.stringify([a.prompt, mark(r.uuid)]));
      }
      if (r.type === 'assistant' && !r.isApiErrorMessage && Array.isArray(content)) {
        for (const b of content as Rec[]) {
          if (b.type === 'text' && (b.text as string).trim() !== '') exp.texts.push(JSON.stringify([b.text, mark(msg.id)]));
          if (b.type === 'thinking') exp.reasoning.push(JSON.stringify([b.thinking, mark(msg.id)]));
          if (b.type === 'tool_use') {
            names.set(b.id as string, b.name as string);
            exp.toolCalls.push(JSON.stringify([b.name, mark(b.id), b.input]));
          }
        }
        const u = isObj(msg.usage) ? msg.usage : undefined;
        if (u && typeof msg.id === 'string') {
          const key = `${msg.id}|${(r.requestId as string | undefined) ?? ''}`;
          const now = [u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens].map(
            (v) => (typeof v === 'number' ? v : 0),
          );
          const prev = usage.get(key) ?? [0, 0, 0, 0];
          usage.set(key, prev.map((p, i) => Math.max(p, now[i]!)));
        }
      }
    }
  }
  for (const [input, output, cacheRead, cacheCreation] of usage.values()) {
    exp.tokens.input += input!;
    exp.tokens.output += output!;
    exp.tokens.cacheRead += cacheRead!;
    exp.tokens.cacheCreation += cacheCreation!;
  }
  for (const list of [exp.prompts, exp.texts, exp.reasoning, exp.toolCalls, exp.toolResults]) list.sort();
  return exp;
}

/** The same projections of actual events, for comparison with {@link expectedFromFiles}. */
export function actualFromEvents(events: LogEventInput[]): Expected {
  const act: Expected = {
    prompts: [],
    texts: [],
    reasoning: [],
    toolCalls: [],
    toolResults: [],
    tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
  };
  for (const e of events) {
    if (e.type === 'user_message') act.prompts.push(JSON.stringify([e.content, e.message_id]));
    if (e.type === 'assistant_message') act.texts.push(JSON.stringify([e.content, e.message_id]));
    if (e.type === 'reasoning') act.reasoning.push(JSON.stringify([e.content, e.message_id]));
    if (e.type === 'tool_call') act.toolCalls.push(JSON.stringify([e.tool_name, e.tool_id, e.input]));
    if (e.type === 'tool_result') act.toolResults.push(JSON.stringify([e.tool_id, e.tool_name ?? null, e.success]));
    if (e.type === 'usage') {
      act.tokens.input += e.input_tokens;
      act.tokens.output += e.output_tokens;
      act.tokens.cacheRead += e.cache_read_tokens ?? 0;
      act.tokens.cacheCreation += e.cache_creation_tokens ?? 0;
    }
  }
  for (const list of [act.prompts, act.texts, act.reasoning, act.toolCalls, act.toolResults]) list.sort();
  return act;
}

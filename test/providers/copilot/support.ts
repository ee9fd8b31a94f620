/**
 * Test support for the Copilot provider tests: fixture discovery, fake homes,
 * and an independent, deliberately simple scan of an events.jsonl that says
 * what the normalized events must contain. The scan does not use the parser.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/copilot/', import.meta.url));

/** Every events.jsonl under test/fixtures/copilot, relative paths included for test names. */
export function fixtureFiles(): Array<{ name: string; path: string; sessionDir: string; id: string }> {
  const out: Array<{ name: string; path: string; sessionDir: string; id: string }> = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'events.jsonl') {
        out.push({ name: p.slice(FIXTURES.length), path: p, sessionDir: dirname(p), id: basename(dirname(p)) });
      }
    }
  };
  walk(FIXTURES);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A fresh fake home; `sessions` are session folders copied to `<home>/.copilot/session-state/`. */
export function fakeHome(sessions: string[] = []): { home: string; stateRoot: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'copilot-home-'));
  const stateRoot = join(home, '.copilot', 'session-state');
  for (const s of sessions) cpSync(s, join(stateRoot, basename(s)), { recursive: true });
  return { home, stateRoot, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

type Rec = { type?: string; data?: Record<string, any>; agentId?: string | null; id?: string };

/** Whole prompt (cache reads included), output, cache read, cache write, as Copilot counts them. */
export interface Totals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface Expected {
  records: Rec[];
  prompts: string[];
  texts: string[];
  reasoning: string[];
  /** tool id as logged (sub-agent ids prefixed per markSubagent's documented convention) -> call. */
  calls: Map<string, { name: string; input: unknown }>;
  results: Array<{ id: string; success: boolean; output: string | undefined; exitCode: number | undefined }>;
  /** Sum of session.usage_record (or of outputTokens when there are none). */
  usageSum: Totals;
  /** The last session.shutdown's modelMetrics totals, if it has any. */
  lastShutdown: Totals | undefined;
  shutdownCount: number;
  rateLimits: number;
  sessionStart: Record<string, any> | undefined;
}

const logged = (r: Rec, id: string): string => (r.agentId ? `subagent:${r.agentId}:${id}` : id);

/** Reads a fixture the simple way: every line is one JSON record. */
export function scan(path: string): Expected {
  const records = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Rec);
  const e: Expected = {
    records,
    prompts: [],
    texts: [],
    reasoning: [],
    calls: new Map(),
    results: [],
    usageSum: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    lastShutdown: undefined,
    shutdownCount: 0,
    rateLimits: 0,
    sessionStart: undefined,
  };
  let hasRecords = false;
  const outputTokens = { ...e.usageSum };
  for (const r of records) {
    const d = r.data ?? {};
    switch (r.type) {
      case 'session.start':
        e.sessionStart ??= d;
        break;
      case 'user.message':
        if (d.content) e.prompts.push(d.content);
        break;
      case 'assistant.message':
        if (d.reasoningText) e.reasoning.push(d.reasoningText);
        if (d.content) e.texts.push(d.content);
        for (const t of d.toolRequests ?? []) {
          const id = logged(r, t.toolCallId);
          if (!e.calls.has(id)) e.calls.set(id, { name: t.name, input: t.arguments });
        }
        if (typeof d.outputTokens === 'number') outputTokens.output += d.outputTokens;
        break;
      case 'tool.execution_start': {
        const id = logged(r, d.toolCallId);
        if (!e.calls.has(id)) e.calls.set(id, { name: d.toolName, input: d.arguments });
        break;
      }
      case 'tool.execution_complete': {
        const exitCode = d.shellExecution?.exitCode;
        e.results.push({
          id: logged(r, d.toolCallId),
          success: d.success === true && (exitCode === undefined || exitCode === 0),
          output: d.result?.content,
          exitCode,
        });
        break;
      }
      case 'session.usage_record': {
        hasRecords = true;
        const u = d.usage ?? {};
        e.usageSum.input += u.inputTokens ?? 0;
        e.usageSum.output += u.outputTokens ?? 0;
        e.usageSum.cacheRead += u.cacheReadTokens ?? 0;
        e.usageSum.cacheWrite += u.cacheWriteTokens ?? 0;
        break;
      }
      case 'session.shutdown': {
        e.shutdownCount++;
        const models = Object.values(d.modelMetrics ?? {}) as Array<{ usage?: Record<string, number> }>;
        if (models.length > 0) {
          const t = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
          for (const m of models) {
            t.input += m.usage?.inputTokens ?? 0;
            t.output += m.usage?.outputTokens ?? 0;
            t.cacheRead += m.usage?.cacheReadTokens ?? 0;
            t.cacheWrite += m.usage?.cacheWriteTokens ?? 0;
          }
          e.lastShutdown = t;
        }
        break;
      }
      case 'session.error':
        if (d.errorType === 'rate_limit' || d.statusCode === 429) e.rateLimits++;
        break;
    }
  }
  if (!hasRecords) e.usageSum = outputTokens;
  return e;
}

/** `cwd:` of a workspace.yaml, read with a plain regex. */
export function yamlCwd(sessionDir: string): string | undefined {
  try {
    statSync(join(sessionDir, 'workspace.yaml'));
  } catch {
    return undefined;
  }
  const m = /^cwd:\s*(.+)$/m.exec(readFileSync(join(sessionDir, 'workspace.yaml'), 'utf8'));
  return m?.[1]?.trim();
}

/**
 * An independent, deliberately simple reading of a Gemini session file, used
 * to compute what the parser must produce. It does not share code with the
 * parser: the final version of every message is the last line (or array
 * entry) with its id; resume checkpoints (`$set.messages`) are ignored, since
 * they only repeat history.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/gemini/', import.meta.url));

type Rec = Record<string, any>;

export interface ExpectedTool {
  id: string;
  name: string;
  args: unknown;
  outputs: string[];
  success: boolean;
}

export interface Expected {
  sessionId: string;
  prompts: Array<{ id: string; text: string }>;
  texts: Array<{ id: string; text: string }>;
  thoughts: Array<{ id: string; description: string }>;
  tools: ExpectedTool[];
  usage: { prompt: number; cached: number; output: number; messages: number };
  models: string[];
}

export interface FixtureFile {
  /** The fake home directory containing `.gemini/`. */
  home: string;
  path: string;
  /** Path relative to the fixtures folder, for test names. */
  name: string;
}

/** Every chat file under test/fixtures/gemini, found by walking the folders. */
export function fixtureFiles(): FixtureFile[] {
  const out: FixtureFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\/chats\/.*\.jsonl?$/.test(p)) {
        const home = p.slice(0, p.indexOf('/.gemini/'));
        out.push({ home, path: p, name: relative(FIXTURES, p) });
      }
    }
  };
  walk(FIXTURES);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: Rec) => (typeof p?.text === 'string' && !p.thought ? p.text : '')).join('');
}

function finalMessages(path: string): { sessionId: string; messages: Rec[] } {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) {
    const doc = JSON.parse(text);
    return { sessionId: doc.sessionId, messages: doc.messages };
  }
  const byId = new Map<string, Rec>();
  let sessionId = '';
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line);
    if (typeof rec.id === 'string') byId.set(rec.id, rec);
    else if (rec.sessionId && !sessionId) sessionId = rec.sessionId;
  }
  return { sessionId, messages: [...byId.values()] };
}

export function scan(path: string): Expected {
  const { sessionId, messages } = finalMessages(path);
  const e: Expected = {
    sessionId,
    prompts: [],
    texts: [],
    thoughts: [],
    tools: [],
    usage: { prompt: 0, cached: 0, output: 0, messages: 0 },
    models: [],
  };
  for (const m of messages) {
    if (m.type === 'user') {
      const text = textOf(m.displayContent) || textOf(m.content);
      if (text.trim() && !text.startsWith('<session_context>')) e.prompts.push({ id: m.id, text });
    }
    if (m.type !== 'gemini') continue;
    const text = textOf(m.content);
    if (text.trim()) e.texts.push({ id: m.id, text });
    for (const t of m.thoughts ?? []) e.thoughts.push({ id: m.id, description: t.description });
    if (m.model && !e.models.includes(m.model)) e.models.push(m.model);
    if (m.tokens) {
      e.usage.messages += 1;
      e.usage.prompt += m.tokens.input + (m.tokens.tool ?? 0);
      e.usage.cached += m.tokens.cached ?? 0;
      e.usage.output += m.tokens.output + (m.tokens.thoughts ?? 0);
    }
    for (const tc of m.toolCalls ?? []) {
      const outputs = (tc.result ?? []).map((r: Rec) => r.functionResponse?.response?.output).filter(Boolean);
      const exit = /Exit Code: (\d+)/.exec(outputs.join('\n'));
      e.tools.push({
        id: tc.id,
        name: tc.name,
        args: tc.args,
        outputs,
        success: tc.status === 'success' && (!exit || exit[1] === '0'),
      });
    }
  }
  return e;
}

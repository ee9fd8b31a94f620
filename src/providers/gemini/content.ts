import { obj, str } from '../shared/index.js';

/**
 * Gemini message `content` is a plain string in files written before the JSONL
 * format, and a Part array (`[{text}]`, `{functionResponse}`, `{inlineData}`,
 * and in resume checkpoints `{functionCall}` and `{text, thought: true}`)
 * afterwards. These helpers read both shapes without trusting either.
 */

/** A `functionCall` part, as written into resume checkpoints. */
export interface FunctionCallPart {
  id: string | undefined;
  name: string;
  args: unknown;
}

/** A `functionResponse` part: the result of one tool call as the model saw it. */
export interface FunctionResponsePart {
  id: string | undefined;
  name: string | undefined;
  response: unknown;
}

export interface SplitContent {
  /** Visible text (thought parts excluded), joined without separators as Gemini does. */
  text: string;
  /** Text of `{thought: true}` parts. */
  thoughts: string[];
  functionCalls: FunctionCallPart[];
  functionResponses: FunctionResponsePart[];
  /** How many parts were neither text, thought, functionCall nor functionResponse. */
  otherParts: number;
}

function partsOf(content: unknown): unknown[] {
  if (Array.isArray(content)) return content;
  // A single Part object is a valid PartListUnion too.
  if (obj(content)) return [content];
  return [];
}

/** Splits a message's content into text, thoughts, and function parts. */
export function splitContent(content: unknown): SplitContent {
  const out: SplitContent = { text: '', thoughts: [], functionCalls: [], functionResponses: [], otherParts: 0 };
  if (typeof content === 'string') {
    out.text = content;
    return out;
  }
  const texts: string[] = [];
  for (const raw of partsOf(content)) {
    if (typeof raw === 'string') {
      texts.push(raw);
      continue;
    }
    const part = obj(raw);
    if (!part) continue;
    const text = str(part['text']);
    const call = obj(part['functionCall']);
    const response = obj(part['functionResponse']);
    if (text !== undefined) {
      if (part['thought'] === true) out.thoughts.push(text);
      else texts.push(text);
    } else if (call) {
      out.functionCalls.push({ id: str(call['id']), name: str(call['name']) ?? 'unknown', args: call['args'] ?? null });
    } else if (response) {
      out.functionResponses.push({ id: str(response['id']), name: str(response['name']), response: response['response'] });
    } else {
      const inline = obj(part['inlineData']) ?? obj(part['fileData']);
      if (inline) texts.push(`[${str(inline['mimeType']) ?? 'attachment'}]`);
      else out.otherParts += 1;
    }
  }
  out.text = texts.join('');
  return out;
}

/** Records whose text starts like this are context the CLI injects, not prompts. */
const INJECTED_PREFIXES = ['<session_context>', '<state_snapshot>'];

export function isInjectedContext(text: string): boolean {
  const trimmed = text.trimStart();
  return INJECTED_PREFIXES.some((p) => trimmed.startsWith(p));
}

/**
 * The workspace the CLI described in its injected `<session_context>` (current
 * versions list "Workspace Directories"; older ones said "working in the
 * directory"). Used as the session's cwd when nothing better is known.
 */
export function workspaceFromContext(text: string): string | undefined {
  const listed = /\*\*Workspace Directories:\*\*\s*\n\s*-\s*([^\n]+)/.exec(text);
  if (listed?.[1]) return listed[1].trim();
  const older = /working in the directory:?\s*([^\n]+)/i.exec(text);
  return older?.[1]?.trim().replace(/[.`]+$/, '') || undefined;
}

/** The text of a tool's functionResponse payload: `output`, else the whole payload as JSON. */
export function responseOutput(response: unknown): { output?: string; error?: string } {
  const r = obj(response);
  if (!r) return typeof response === 'string' ? { output: response } : {};
  const output = str(r['output']);
  const error = str(r['error']) ?? str(obj(r['error'])?.['message']);
  if (output !== undefined || error !== undefined) return { output, error };
  const keys = Object.keys(r);
  return keys.length === 0 ? {} : { output: JSON.stringify(r) };
}

/** Parts that are only function responses: a user record made of these is a tool result, not a prompt. */
export function isToolResultOnly(split: SplitContent): boolean {
  return split.functionResponses.length > 0 && split.text.trim() === '' && split.thoughts.length === 0;
}

import { readdir, stat } from 'node:fs/promises';
import { readRegularFile, SMALL_FILE_BYTES } from '../../tail/safe-open.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readLines } from '../../tail/index.js';
import { obj, str } from '../shared/index.js';

/**
 * Copilot's home: `<home>/.copilot` when a home is given explicitly (tests,
 * `ctx.home`), else `$COPILOT_HOME`, else `~/.copilot`.
 */
export function copilotHome(home?: string): string {
  if (home !== undefined) return join(home, '.copilot');
  const env = process.env.COPILOT_HOME;
  return env && env.trim() !== '' ? env : join(homedir(), '.copilot');
}

export interface CopilotSessionDir {
  /** The folder name, which is the session id. */
  id: string;
  dir: string;
  events: string;
  workspaceYaml: string;
}

/** Session folders under `<copilotHome>/session-state` (missing folder: none). */
export async function listSessionDirs(base: string): Promise<CopilotSessionDir[]> {
  const root = join(base, 'session-state');
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => sessionDir(root, e.name));
}

export function sessionDir(stateRoot: string, id: string): CopilotSessionDir {
  const dir = join(stateRoot, id);
  return { id, dir, events: join(dir, 'events.jsonl'), workspaceYaml: join(dir, 'workspace.yaml') };
}

/**
 * Parses the small flat `workspace.yaml` Copilot writes (`key: value` lines,
 * values plain or quoted). Nested or unusual YAML is skipped, never an error:
 * only a few scalar keys (cwd, git_root, created_at…) are needed, so no YAML
 * dependency is taken.
 */
export function parseWorkspaceYaml(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    if (raw === '' || /^[\s#-]/.test(raw)) continue;
    const m = /^([A-Za-z0-9_.-]+):(?:\s+(.*))?$/.exec(raw);
    if (!m || m[2] === undefined) continue;
    const value = unquote(m[2].trim());
    if (value !== undefined) out[m[1]!] = value;
  }
  return out;
}

function unquote(v: string): string | undefined {
  if (v.startsWith("'")) {
    if (!v.endsWith("'") || v.length < 2) return undefined;
    return v.slice(1, -1).replace(/''/g, "'");
  }
  if (v.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(v);
      return typeof parsed === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  // Plain scalar: a trailing " # comment" is not part of the value.
  const hash = v.search(/\s#/);
  const plain = hash >= 0 ? v.slice(0, hash).trimEnd() : v;
  return plain === '~' || plain === 'null' ? undefined : plain;
}

/** `workspace.yaml` beside a session's events, or `{}` when missing or unreadable. */
export async function readWorkspaceYaml(path: string): Promise<Record<string, string>> {
  try {
    const st = await stat(path);
    // A workspace.yaml is a few hundred bytes; anything huge is not one.
    if (!st.isFile() || st.size > 1 << 20) return {};
    return parseWorkspaceYaml((await readRegularFile(path, SMALL_FILE_BYTES)) ?? '');
  } catch {
    return {};
  }
}

export interface SessionStartInfo {
  sessionId?: string;
  cwd?: string;
  gitRoot?: string;
  model?: string;
  startTime?: string;
}

const PEEK_LINES = 64;

/**
 * What a session's first records say (session id, cwd, model), read without
 * parsing the whole file: it stops at the first assistant message or after a
 * few lines.
 */
export async function peekSessionStart(eventsPath: string, signal?: AbortSignal): Promise<SessionStartInfo> {
  const info: SessionStartInfo = {};
  for await (const { line, lineNo } of readLines(eventsPath, { signal })) {
    if (lineNo > PEEK_LINES) break;
    let rec: Record<string, unknown> | undefined;
    try {
      rec = obj(JSON.parse(line));
    } catch {
      continue;
    }
    const type = str(rec?.type);
    const data = obj(rec?.data) ?? {};
    if (type === 'session.start') {
      const ctx = obj(data.context);
      info.sessionId = str(data.sessionId);
      info.cwd = str(ctx?.cwd);
      info.gitRoot = str(ctx?.gitRoot);
      info.model ??= str(data.selectedModel);
      info.startTime = str(data.startTime) ?? str(rec?.timestamp);
    } else if (type === 'assistant.message' && !rec?.agentId) {
      info.model ??= str(data.model);
      break;
    }
    if (info.sessionId !== undefined && info.model !== undefined) break;
  }
  return info;
}



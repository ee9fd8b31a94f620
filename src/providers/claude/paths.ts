import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { readLines } from '../../tail/index.js';
import type { SkippedFile } from '../../schema/index.js';
import { notRegularReason } from '../../tail/safe-open.js';
import { str } from '../shared/index.js';

/**
 * Claude's config folder: `<home>/.claude` when a home is given explicitly
 * (tests, `ctx.home`), else `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
 */
export function claudeConfigDir(home?: string): string {
  if (home !== undefined) return join(home, '.claude');
  const env = process.env.CLAUDE_CONFIG_DIR;
  return env && env.trim() !== '' ? env : join(homedir(), '.claude');
}

/** `projects/` folder name for a cwd: every non-alphanumeric character becomes '-'. */
export function encodeProjectPath(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

const SESSION_FILE = /^(.+)\.jsonl$/;
const AGENT_FILE = /^agent-(.+)\.jsonl$/;

export interface SubagentFile {
  path: string;
  agentId: string;
}

/** One session's files in a project folder. */
export interface SessionFiles {
  sessionId: string;
  /** `<sessionId>.jsonl`; absent for sub-agent files whose session file is gone. */
  main?: string;
  subagents: SubagentFile[];
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** `<session>/subagents/agent-*.jsonl` (Claude ≥ 2.1). */
export async function listNewSubagents(projectDir: string, sessionId: string): Promise<SubagentFile[]> {
  const dir = join(projectDir, sessionId, 'subagents');
  const out: SubagentFile[] = [];
  for (const name of await names(dir)) {
    const m = AGENT_FILE.exec(name);
    if (m) out.push({ path: join(dir, name), agentId: m[1]! });
  }
  return out;
}

/**
 * The session id an old-layout `agent-<id>.jsonl` (Claude ≤ 2.0, beside the
 * session files) belongs to: only its records say, so the first lines are read.
 */
export async function sessionIdOfFile(path: string, signal?: AbortSignal): Promise<string | undefined> {
  let seen = 0;
  for await (const { line } of readLines(path, { signal, chunkSize: 64 * 1024 })) {
    if (++seen > 20) break;
    if (!line.includes('essionId') && !line.includes('session_id')) continue;
    try {
      const rec = JSON.parse(line) as Record<string, unknown>;
      const id = str(rec.sessionId) ?? str(rec.session_id);
      if (id) return id;
    } catch {
      // a broken first line: look at the next
    }
  }
  return undefined;
}

/**
 * The sessions of one `projects/<enc-cwd>/` folder, each with its sub-agent
 * files (new layout by folder; old layout linked by the records' sessionId).
 */
export async function listProjectSessions(
  projectDir: string,
  signal?: AbortSignal,
  onSkipped?: (file: SkippedFile) => void,
): Promise<SessionFiles[]> {
  const sessions = new Map<string, SessionFiles>();
  const oldAgents: SubagentFile[] = [];
  let dirents: Dirent[];
  try {
    dirents = (await readdir(projectDir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    dirents = [];
  }
  // A session's `<id>/subagents` folder can only exist if `<id>` is listed: no readdir for the rest.
  const listed = new Set(dirents.map((d) => d.name));
  for (const entry of dirents) {
    const name = entry.name;
    const agent = AGENT_FILE.exec(name);
    if (agent) {
      oldAgents.push({ path: join(projectDir, name), agentId: agent[1]! });
      continue;
    }
    const m = SESSION_FILE.exec(name);
    if (!m) {
      // Folders hold a session's sub-agents and tool outputs; any other file is one we cannot read.
      if (!entry.isDirectory()) onSkipped?.({ path: join(projectDir, name), reason: 'not a Claude session file (<session id>.jsonl)' });
      continue;
    }
    const sessionId = m[1]!;
    sessions.set(sessionId, {
      sessionId,
      main: join(projectDir, name),
      subagents: listed.has(sessionId) ? await listNewSubagents(projectDir, sessionId) : [],
    });
  }
  for (const agent of oldAgents) {
    // Not a regular file (a FIFO, device, or a link to one): reported, never opened to find its session.
    const notRegular = notRegularReason(agent.path);
    if (notRegular !== null) {
      onSkipped?.({ path: agent.path, reason: notRegular });
      continue;
    }
    const sessionId = (await sessionIdOfFile(agent.path, signal)) ?? basename(agent.path, '.jsonl');
    let files = sessions.get(sessionId);
    if (!files) sessions.set(sessionId, (files = { sessionId, subagents: [] }));
    files.subagents.push(agent);
  }
  return [...sessions.values()];
}

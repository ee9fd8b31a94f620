/**
 * Older Claude Code files write sub-agent runs inline (`isSidechain`): each
 * run (a parentUuid chain from its own root) becomes its own sub-agent,
 * linked to the Task call that started it when the root's prompt is the
 * call's prompt, else given a distinct stable id.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultHistoricalAdapters, readSessionLog, runBackfill, subagentOf, type AgentLogEvent } from '../../../src/index.js';
import { tempDir } from '../../helpers/tmp.js';

const HOME = fileURLToPath(new URL('../../fixtures/claude/inline-sidechains/', import.meta.url));
const SESSION = '9c1e2d3f-4a5b-4c6d-8e7f-001122334455';
const FILE = join('.claude', 'projects', '-w', `${SESSION}.jsonl`);

async function importCopy(edit?: (text: string) => string): Promise<AgentLogEvent[]> {
  const home = tempDir('asl-inline-home-');
  await cp(HOME, home, { recursive: true });
  if (edit) await writeFile(join(home, FILE), edit(await readFile(join(home, FILE), 'utf8')));
  const logs = tempDir('asl-inline-logs-');
  expect(await runBackfill(logs, null, defaultHistoricalAdapters({ home }).filter((a) => a.provider === 'claude'))).toMatchObject({
    imported: 1,
    failed: [],
  });
  const out: AgentLogEvent[] = [];
  for await (const e of readSessionLog(join(logs, 'sessions', `${SESSION}.jsonl`))) out.push(e);
  return out;
}

/** The sub-agent a marked event belongs to (message, tool or status), or undefined for the main agent. */
function agentOf(e: AgentLogEvent): string | undefined {
  if ('message_id' in e && e.message_id) return subagentOf(e.message_id);
  if ('tool_id' in e && e.tool_id) return subagentOf(e.tool_id);
  if (e.type === 'provider_status') return (e.data as { subagent_id?: string } | null)?.subagent_id;
  return undefined;
}

function byAgent(es: AgentLogEvent[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of es) {
    const agent = agentOf(e);
    if (agent === undefined) continue;
    const what = e.type === 'tool_call' ? `call ${e.tool_name}` : e.type === 'assistant_message' || e.type === 'user_message' ? `${e.type} ${e.content}` : e.type;
    out.set(agent, [...(out.get(agent) ?? []), what]);
  }
  return out;
}

describe('inline sub-agent runs (isSidechain records in the main file)', () => {
  it('become one sub-agent each, named by the Task call that started it, and say which call that was', async () => {
    const es = await importCopy();
    const runs = byAgent(es);
    expect([...runs.keys()].sort()).toEqual(['toolu_taskA', 'toolu_taskB']);
    expect(runs.get('toolu_taskA')).toEqual([
      'provider_status',
      'user_message Count the files in src/',
      'call Bash',
      'tool_result',
      'assistant_message There are 3 files.',
    ]);
    expect(runs.get('toolu_taskB')).toEqual(['provider_status', 'user_message Summarise README.md', 'assistant_message README.md says hello.']);
    const started = es.filter((e) => e.type === 'provider_status' && (e.data as { kind?: string }).kind === 'subagent_started');
    expect(started.map((e) => (e as unknown as { data: { parent_tool_id: string } }).data.parent_tool_id)).toEqual(['toolu_taskA', 'toolu_taskB']);
    // The Task calls themselves stay the main agent's, and each is announced before its run starts.
    const calls = es.filter((e) => e.type === 'tool_call' && e.tool_name === 'Task');
    expect(calls.map(agentOf)).toEqual([undefined, undefined]);
    expect(es.indexOf(calls[1]!)).toBeLessThan(es.indexOf(started[0]!));
  });

  it('get distinct ids from their roots when no Task call matches, the same on every import', async () => {
    const unmatched = (t: string) => t.replaceAll('"content":"Summarise README.md"', '"content":"Please summarise the README"');
    const first = byAgent(await importCopy(unmatched));
    const again = byAgent(await importCopy(unmatched));
    expect([...first.keys()].sort()).toEqual(['sidechain-s000000b-0000-4000-8000-000000000001', 'toolu_taskA']);
    expect([...again.keys()].sort()).toEqual([...first.keys()].sort());
    expect(first.get('sidechain-s000000b-0000-4000-8000-000000000001')).toContain('assistant_message README.md says hello.');
  });
});

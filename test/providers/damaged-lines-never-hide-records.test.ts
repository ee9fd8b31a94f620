/**
 * De-duplication happens only on records that parsed: a damaged line that
 * carries the id of a later, intact record is a parse_warning and never makes
 * that record count as already seen.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultHistoricalAdapters, readSessionLog, runBackfill, type AgentLogEvent } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const SESSION = '11111111-2222-4333-8444-555555555555';
const UUID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

async function importHome(home: string, provider: string): Promise<AgentLogEvent[]> {
  const logs = tempDir('asl-damaged-logs-');
  const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }).filter((a) => a.provider === provider));
  expect(result).toMatchObject({ imported: 1, failed: [] });
  const out: AgentLogEvent[] = [];
  for await (const e of readSessionLog(join(logs, 'sessions', `${SESSION}.jsonl`))) out.push(e);
  return out;
}

const prompts = (es: AgentLogEvent[]) => es.flatMap((e) => (e.type === 'user_message' ? [e.content] : []));
const warnings = (es: AgentLogEvent[]) => es.filter((e) => e.type === 'parse_warning');

describe('a damaged line with the id of a later intact record', () => {
  const prompt = {
    type: 'user',
    uuid: UUID,
    parentUuid: null,
    sessionId: SESSION,
    cwd: '/w',
    timestamp: '2026-12-04T10:00:00.000Z',
    message: { role: 'user', content: 'the prompt that must not vanish' },
  };

  it('claude, a truncated JSON line: a parse_warning, and the intact record is imported', async () => {
    const home = tempDir('asl-damaged-home-');
    const dir = join(home, '.claude', 'projects', '-w');
    await mkdir(dir, { recursive: true });
    const line = JSON.stringify(prompt);
    await writeFile(join(dir, `${SESSION}.jsonl`), `${line.slice(0, line.indexOf('"message"') + 12)}\n${line}\n`);
    const es = await importHome(home, 'claude');
    expect(warnings(es)).toHaveLength(1);
    expect((warnings(es)[0] as { raw?: string }).raw).toContain(UUID);
    expect(prompts(es)).toEqual(['the prompt that must not vanish']);
  });

  it('claude, a record that parsed as JSON but lost its message: the intact copy still counts', async () => {
    const home = tempDir('asl-damaged-home-');
    const dir = join(home, '.claude', 'projects', '-w');
    await mkdir(dir, { recursive: true });
    const { message: _lost, ...damaged } = prompt;
    await writeFile(join(dir, `${SESSION}.jsonl`), `${JSON.stringify(damaged)}\n${JSON.stringify(prompt)}\n`);
    expect(prompts(await importHome(home, 'claude'))).toEqual(['the prompt that must not vanish']);
  });

  it('claude, the same intact line written twice: imported once', async () => {
    const home = tempDir('asl-damaged-home-');
    const dir = join(home, '.claude', 'projects', '-w');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${SESSION}.jsonl`), `${JSON.stringify(prompt)}\n${JSON.stringify(prompt)}\n`);
    expect(prompts(await importHome(home, 'claude'))).toEqual(['the prompt that must not vanish']);
  });

  it('copilot, a truncated line and a record without its data: the intact user.message is imported', async () => {
    const home = tempDir('asl-damaged-home-');
    const dir = join(home, '.copilot', 'session-state', SESSION);
    await mkdir(dir, { recursive: true });
    const start = { type: 'session.start', id: 'e0', timestamp: '2026-12-04T10:00:00.000Z', data: { sessionId: SESSION, context: { cwd: '/w' } } };
    const message = { type: 'user.message', id: UUID, parentId: 'e0', timestamp: '2026-12-04T10:00:01.000Z', data: { content: 'the prompt that must not vanish' } };
    const line = JSON.stringify(message);
    const { data: _lost, ...damaged } = message;
    await writeFile(
      join(dir, 'events.jsonl'),
      [JSON.stringify(start), line.slice(0, line.length - 20), JSON.stringify(damaged), line].join('\n') + '\n',
    );
    const es = await importHome(home, 'copilot');
    expect(warnings(es).length).toBeGreaterThanOrEqual(1);
    expect(prompts(es)).toEqual(['the prompt that must not vanish']);
  });
});

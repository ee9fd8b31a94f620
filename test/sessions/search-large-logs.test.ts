import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchSessionLogs, type LogEventInput, type SessionSearchQuery } from '../../src/index.js';
import { writeSession } from './helpers.js';

// Logs of several megabytes: matches fall on the scan's chunk boundaries (1 MiB reads),
// in a line longer than a chunk, and in lines that only look alike once case is folded.
let scratch: string;
let logs: string;
const TS = '2026-11-02T10:00:00.000Z';
const filler = (n: number): LogEventInput => ({ type: 'assistant_message', content: `the build-2026 value ${'x'.repeat(n)}`, message_id: null });
const shell = (command: string): LogEventInput => ({ type: 'tool_call', tool_name: 'Bash', tool_kind: 'shell', tool_id: 't', input: { command } });
const expected: string[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'asl-search-large-'));
  logs = join(scratch, 'logs');
  const events: Array<[LogEventInput, string]> = [];
  const variants = ['rm -rf build', 'RM -RF dist', 'Rm -Rf /tmp/x'];
  // Lines of odd lengths, so that the commands land at every offset of the chunks.
  for (let i = 0; i < 9000; i++) {
    events.push([filler(300 + (i % 97)), TS]);
    if (i % 700 === 0) {
      const cmd = variants[i % 3]!;
      events.push([shell(cmd), TS]);
      expected.push(cmd);
    }
    // Alike once bytes are folded ('@' | 0x20 is '`'), but not the text searched below.
    if (i % 500 === 0) events.push([shell('rm`-rf not this one'), TS]);
  }
  // One line of 3 MiB (longer than a chunk and the scan's buffer) holding the text at its end.
  events.push([shell(`${'y'.repeat(3 << 20)} rM -rF huge`), TS]);
  expected.push(`${'y'.repeat(3 << 20)} rM -rF huge`);
  events.push([filler(10), TS]);
  await writeSession(logs, 'large-1', 'claude', events, { model: 'claude-sonnet-4-5-20250929' });
  await writeSession(logs, 'large-2', 'claude', [[shell('echo RM -RF in a second session'), TS]]);
  expected.push('echo RM -RF in a second session');
}, 120_000);
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function commands(query: SessionSearchQuery): Promise<string[]> {
  const out: string[] = [];
  for await (const { event } of searchSessionLogs(query, { logsDir: logs })) {
    if (event.type === 'tool_call') out.push(String((event.input as { command?: unknown }).command));
  }
  return out;
}

describe('searchSessionLogs over logs of several megabytes', () => {
  it('finds every case-insensitive match, across chunk boundaries and in a line longer than a chunk', async () => {
    expect(await commands({ text: 'rm -RF' })).toEqual(expected);
  });

  it('finds exactly the case-sensitive matches', async () => {
    expect(await commands({ text: 'RM -RF', caseSensitive: true })).toEqual(expected.filter((c) => c.includes('RM -RF')));
  });

  it('does not report lines that only match once bytes are folded', async () => {
    expect(await commands({ text: 'rm@-rf' })).toEqual([]);
  });

  it('finds a needle made of letters only, in any case', async () => {
    expect((await commands({ text: 'HUGE' })).length).toBe(1);
  });
});

/**
 * A tool's output is untrusted and unbounded: a transcript of one holding more
 * backtick runs than a function call takes arguments still renders, fenced so
 * that none of them closes the block (issue #13, "bounded at scale").
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportSession } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';
import { handWrittenLog } from './helpers/fixture-session.js';

describe('transcripts of huge texts', () => {
  it('fences a tool output of 300,000 backtick runs without spreading them into a call', async () => {
    // Runs of 1 and 2 backticks, then one of 5: the fence must be 6 long.
    const output = '`a``b'.repeat(150_000) + '`````';
    const log = handWrittenLog('huge-1', [
      { ts: '2026-11-28T10:00:00.000Z', type: 'session_started', fields: { command: 'backfill', model: 'm', cwd: '/w', resumed: false, backfilled: true } },
      { ts: '2026-11-28T10:00:01.000Z', type: 'tool_call', fields: { tool_name: 'exec_command', tool_kind: 'shell', tool_id: 'c1', input: { cmd: 'cat x' } } },
      { ts: '2026-11-28T10:00:02.000Z', type: 'tool_result', fields: { tool_name: 'exec_command', tool_kind: 'shell', tool_id: 'c1', success: true, output, error: null, data: null } },
      { ts: '2026-11-28T10:00:03.000Z', type: 'session_ended', fields: { success: true, error: null } },
    ]);
    const path = join(tempDir('asl-transcript-huge-'), 'huge-1.jsonl');
    await writeFile(path, log);

    const markdown = await exportSession(path, { format: 'markdown' });

    expect(markdown).toContain('``````\n' + output + '\n``````');
  });
});

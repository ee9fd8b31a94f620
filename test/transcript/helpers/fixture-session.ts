/**
 * The data of the transcript tests: a real Claude Code session (the fixture of
 * a session that used a sub-agent, read, ran and edited files), copied into a
 * temp home and imported with runBackfill, as a user's history would be.
 * `hostile` rewrites one tool result the way a malicious file or web page
 * could: HTML with a script, long enough to be collapsed.
 */
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClaudeHistoricalLogAdapter, runBackfill } from '../../../src/index.js';

const FIXTURE_HOME = fileURLToPath(new URL('../../fixtures/claude/real/interactive-claude-subagent-edit', import.meta.url));
const SESSION_FILE = '.claude/projects/-tmp-realcli-claude-tui-project/6520713d-3e7b-47f0-bdc6-9c7f31271b28.jsonl';
export const SESSION_ID = '6520713d-3e7b-47f0-bdc6-9c7f31271b28';
/** The Read call's id in the fixture, whose result `hostile` replaces. */
const READ_TOOL_ID = 'toolu_mockf64b17b4de9fb715f16fb1e4';

/** A tool result as an attacker would write it: markup that must stay text. */
export const HOSTILE_OUTPUT = [
  '<script>window.__pwned = true; document.title = "pwned";</script>',
  '<img src=x onerror="window.__pwned = true">',
  '</pre></details><h1 id="injected">injected</h1>',
  ...Array.from({ length: 30 }, (_, i) => `line ${i + 1} of a long output & more`),
].join('\n');

export interface ImportedSession {
  home: string;
  logs: string;
  logPath: string;
}

export async function importFixtureSession(dir: string, options: { hostile?: boolean } = {}): Promise<ImportedSession> {
  const home = join(dir, 'home');
  const logs = join(dir, 'logs');
  await cp(FIXTURE_HOME, home, { recursive: true });
  if (options.hostile) {
    const file = join(home, SESSION_FILE);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const rewritten = lines.map((line) => {
      if (!line.includes(`"tool_use_id":"${READ_TOOL_ID}"`)) return line;
      const record = JSON.parse(line) as { message: { content: { content: unknown }[] }; toolUseResult?: unknown };
      record.message.content[0]!.content = HOSTILE_OUTPUT;
      delete record.toolUseResult;
      return JSON.stringify(record);
    });
    if (rewritten.join('\n') === lines.join('\n')) throw new Error('the fixture no longer holds the Read result to rewrite');
    await writeFile(file, rewritten.join('\n'));
  }
  const result = await runBackfill(logs, null, [new ClaudeHistoricalLogAdapter({ home })]);
  if (result.imported !== 1) throw new Error(`expected one imported session, got ${JSON.stringify(result)}`);
  const [name] = await readdir(join(logs, 'sessions'));
  return { home, logs, logPath: join(logs, 'sessions', name!) };
}

/** A session log written by hand, for times the fixtures do not have (days apart, known durations). */
export function handWrittenLog(id: string, events: { ts: string; type: string; fields: Record<string, unknown> }[]): string {
  return (
    events
      .map((e, i) =>
        JSON.stringify({
          seq: i + 1,
          ts: e.ts,
          provider: 'codex',
          wrapper_session_id: id,
          provider_session_id: null,
          source_kind: 'backfill',
          completeness: 'full',
          type: e.type,
          ...e.fields,
        }),
      )
      .join('\n') + '\n'
  );
}

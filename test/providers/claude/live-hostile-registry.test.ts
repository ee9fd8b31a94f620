import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';
import { backfillOf, fakeHome, startLive, waitFor } from './live-helpers.js';

const DEMO = join(FIXTURES, 'projects', '-home-user-demo');
const OLD = 'acbcaeec-53a3-497b-b9ea-09bf1d282432';
const SECRET_TEXT = 'TOP-SECRET-OUTSIDE-CLAUDE';

/** A Claude-shaped user line, so a read of the secret file would show up in the log as a prompt. */
function secretLine(): string {
  return JSON.stringify({
    type: 'user',
    sessionId: 'x',
    uuid: '00000000-0000-4000-8000-000000000001',
    timestamp: '2026-01-01T00:00:00.000Z',
    message: { role: 'user', content: SECRET_TEXT },
  });
}

describe('Claude live capture with a hostile live registry', () => {
  for (const [label, hostileId] of [
    ['a "../" path', '../../../x/secret'],
    ['a newline and ESC', 'evil\n\u001b]0;title\u0007'],
  ] as const) {
    it(`never follows a registry sessionId with ${label}, and reports it once`, async () => {
      const home = await fakeHome();
      await mkdir(join(home, 'x'), { recursive: true });
      await writeFile(join(home, 'x', 'secret.jsonl'), `${secretLine()}\n`);
      const dir = join(home, '.claude', 'projects', '-home-user-demo');
      await mkdir(dir, { recursive: true });
      await mkdir(join(home, '.claude', 'sessions'), { recursive: true });
      const registry = join(home, '.claude', 'sessions', '77.json');
      const entry = { pid: 77, sessionId: OLD, cwd: '/home/user/demo', startedAt: Date.now() };
      await writeFile(registry, JSON.stringify(entry));
      const live = await startLive({ startedAt: new Date(), workspacePath: '/home/user/demo', home });
      await copyFile(join(DEMO, `${OLD}.jsonl`), join(dir, `${OLD}.jsonl`));
      const own = (await backfillOf(home)).get(OLD)!;
      await waitFor(() => live.seen.length >= own.length, 'the session file to be captured');
      // The registry now names a file outside ~/.claude (or an id no file name may hold).
      await writeFile(registry, JSON.stringify({ ...entry, sessionId: hostileId }));
      // Many polls (15 ms apart) pass: the rejection must be reported once, not per poll.
      await waitFor(() => live.seen.some((e) => e.type === 'parse_warning'), 'the rejection to be reported');
      await new Promise((r) => setTimeout(r, 200));
      const events = await live.finish();
      const log = await readFile(live.coordinator.writer.logPath, 'utf8');
      expect(log).not.toContain(SECRET_TEXT);
      expect(events.some((e) => e.type === 'session_cleared')).toBe(false);
      const warnings = events.filter((e) => e.type === 'parse_warning');
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]!.message)).toMatch(/unsafe claude session id/);
      expect(events.filter((e) => e.type !== 'parse_warning')).toEqual(own);
    }, 30_000);
  }
});

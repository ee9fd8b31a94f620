import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayInChunks } from '../../helpers/replay.js';
import { FIXTURES } from './helpers.js';
import { backfillOf, fakeHome, startLive } from './live-helpers.js';

const CASES = [
  // [fixture file, project folder, cwd, chunk size]
  ['real/print-multi-tool/.claude/projects/-tmp-realcli-claude-project/e7bd502c-7d33-43d5-aafa-1348e82fa678.jsonl', '-tmp-realcli-claude-project', '/tmp/realcli/claude/project', 1024],
  ['real/interactive-multi-tool/.claude/projects/-tmp-realcli-claude-tui-project/75b53ae1-0356-4bfd-a98c-c5f8dd4a1bb6.jsonl', '-tmp-realcli-claude-tui-project', '/tmp/realcli/claude-tui/project', 1024],
  ['projects/-Users-user-repo/9eda1058-9706-484a-b992-d03f9cfa2546.jsonl', '-Users-user-repo', '/Users/user/repo', 512],
  ['projects/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl', '-tmp-private', '/tmp/private', 256],
] as const;

describe('Claude live capture', () => {
  it.each(CASES)('captures %s, appended in random byte chunks by another process, exactly like its backfill', async (rel, dir, cwd, maxChunk) => {
    const home = await fakeHome();
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    const dest = join(home, '.claude', 'projects', dir, name);
    const live = await startLive({ startedAt: new Date(), workspacePath: cwd, home });
    await replayInChunks(join(FIXTURES, rel), dest, { seed: name.charCodeAt(0), maxChunk, maxDelayMs: 4 });
    const events = await live.finish();
    const [backfill] = [...(await backfillOf(home)).values()];
    expect(backfill!.length).toBeGreaterThan(10);
    expect(events).toEqual(backfill);
    expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
    expect(live.coordinator.writer.providerSessionId).toBe(name.replace('.jsonl', ''));
    // Watched: the session file and its project folder (a /clear file appears there).
    expect(live.adapter.watchPaths()).toEqual([dest, join(home, '.claude', 'projects', dir)]);
  });

  it('follows sub-agent files that grow at the same time as the main file', async () => {
    const home = await fakeHome();
    const base = 'real/print-claude-subagent-edit/.claude/projects/-tmp-realcli-claude-project';
    const session = '4f28ed33-28a5-4b80-b31a-99ebf782d0c8';
    const sub = `${session}/subagents/agent-a306d7326821854a4.jsonl`;
    const projectDir = join(home, '.claude', 'projects', '-tmp-realcli-claude-project');
    const live = await startLive({ startedAt: new Date(), workspacePath: '/tmp/realcli/claude/project', home });
    await Promise.all([
      replayInChunks(join(FIXTURES, base, `${session}.jsonl`), join(projectDir, `${session}.jsonl`), { seed: 3, maxChunk: 1024, maxDelayMs: 4 }),
      // The sub-agent starts a moment later, as it does for real.
      new Promise((r) => setTimeout(r, 40)).then(() =>
        replayInChunks(join(FIXTURES, base, sub), join(projectDir, sub), { seed: 4, maxChunk: 700, maxDelayMs: 4 }),
      ),
    ]);
    const events = await live.finish();
    const backfill = (await backfillOf(home)).get(session)!;
    const key = (e: object): string => JSON.stringify(e);
    // Same events, no loss, no duplicates...
    expect(events.map(key).sort()).toEqual(backfill.map(key).sort());
    // ...and each file's events in that file's order (usage events carry no sub-agent mark,
    // so they are left out here; the multiset check above covers them).
    for (const marked of [true, false]) {
      const pick = (list: Array<Record<string, unknown>>) =>
        list.filter((e) => e.type !== 'usage' && key(e).includes('subagent:') === marked).map(key);
      expect(pick(events)).toEqual(pick(backfill));
    }
    expect(events.some((e) => key(e).includes('subagent:a306d7326821854a4:'))).toBe(true);
    expect(events.filter((e) => e.type === 'parse_warning')).toEqual([]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';

// Records every file the adapter opens, to prove the filter is asked first.
const opened = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof actual.open = (path, ...rest) => {
    opened.push(String(path));
    return actual.open(path, ...rest);
  };
  return { ...actual, default: { ...actual, open }, open };
});
// Session files are also read with synchronous reads of bounded chunks (readLines): those opens count too.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const openSync = ((path: Parameters<typeof actual.openSync>[0], ...rest: unknown[]) => {
    opened.push(String(path));
    return (actual.openSync as (...a: unknown[]) => number)(path, ...rest);
  }) as typeof actual.openSync;
  return { ...actual, default: { ...actual, openSync }, openSync };
});

const { CodexHistoricalLogAdapter } = await import('../../../src/providers/index.js');
const { GENERATED_CODEX, collect, tempHome } = await import('./helpers.js');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('CodexHistoricalLogAdapter and options.filter', () => {
  it('never opens a file whose candidate the filter turned down', async () => {
    const h = await tempHome(GENERATED_CODEX);
    cleanups.push(h.cleanup);
    const keep = '01a223bd-f5af-7b00-8b97-4cf42b09bbaf';
    opened.length = 0;
    const rejected: string[] = [];
    const sessions = await collect(
      new CodexHistoricalLogAdapter({ home: h.home }).backfill(null, {
        filter: (c) => {
          const ok = c.sourcePaths[0]!.includes(keep);
          if (!ok) rejected.push(...c.sourcePaths);
          return ok;
        },
      }),
    );
    for (const s of sessions) await collect(s.events);
    expect(sessions.map((s) => s.metadata.wrapperSessionId)).toEqual([keep]);
    expect(rejected).toHaveLength(5);
    expect(opened.some((p) => p.includes(keep))).toBe(true);
    for (const path of rejected) expect(opened).not.toContain(path);
  });
});

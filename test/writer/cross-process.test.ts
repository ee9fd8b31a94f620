/**
 * Real child processes against one logs dir. The children run the built
 * package: `ensureDist()` (helpers/dist.ts) rebuilds `dist/` first if any
 * source is newer than the last build, so this also works on a clean clone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SessionLogWriter, loadIndex } from '../../src/index.js';
import { ensureDist } from '../helpers/dist.js';
import { runFixture, startFixture } from './helpers/spawn.js';
import { readJsonl, tempDir } from '../helpers/tmp.js';

let dist = '';
beforeAll(async () => {
  dist = await ensureDist();
}, 180_000);

describe('many processes, one logs dir', () => {
  it('8 processes x 100 sessions: all 800 index entries, every one with ended_at', async () => {
    const dir = tempDir();
    await Promise.all(
      Array.from({ length: 8 }, (_, p) => runFixture('lifecycles.mjs', [dist, dir, `p${p}`, '100'])),
    );
    const index = await loadIndex(dir);
    const ids = new Set(index.sessions.map((s) => s.wrapper_session_id));
    expect(ids.size).toBe(800);
    expect(index.sessions).toHaveLength(800);
    expect(index.sessions.filter((s) => s.ended_at === null)).toEqual([]);
    // The merged intermediate updates made it too.
    const one = index.sessions.find((s) => s.wrapper_session_id === 'p3-42')!;
    expect(one.provider_session_id).toBe('native-p3-42');
    expect(one.source_paths).toEqual(['/src/p3/42.jsonl']);
    // No lock or temp files left behind.
    expect(fs.readdirSync(dir).sort()).toEqual(['index.json', 'session_facts', 'sessions']);
    expect(fs.readdirSync(path.join(dir, 'session_facts')).every((n) => n.endsWith('.json') && !n.includes('tmp'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'sessions')).filter((n) => !n.endsWith('.jsonl'))).toEqual([]);
    // Each update is written before it resolves (four locked index writes per
    // lifecycle): a generous limit, for hang detection only, on a loaded machine.
  }, 300_000);

  it('4 processes calling appendEventToLog while the owner emits: seq unique and gap-free in file order', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, { provider: 'claude', wrapperSessionId: 'ses-x', command: 'run' });
    const children = Array.from({ length: 4 }, (_, i) => startFixture('appender.mjs', [dist, w.logPath, '40', `c${i}`]));
    let running = true;
    const all = Promise.all(children.map((c) => c.done)).finally(() => (running = false));
    let emitted = 0;
    while (running) {
      w.emit('wrapper', { type: 'stderr', message: `owner ${emitted++}` });
      await new Promise((r) => setImmediate(r));
    }
    const results = await all;
    await w.close();
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const lines = readJsonl(w.logPath);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines).toHaveLength(emitted + 160);
    // Every seq an appender was given is the line holding its message.
    const bySeq = new Map(lines.map((l) => [l.seq as number, l]));
    for (const r of results) {
      for (const row of r.stdout.trim().split('\n')) {
        const [seq, msg] = row.split(' ');
        expect(bySeq.get(Number(seq))).toMatchObject({ type: 'user_event', message: msg });
      }
    }
  });

  it('appends stay unique and gap-free while the owner closes and reopens under them', async () => {
    const dir = tempDir();
    const meta = { provider: 'claude', wrapperSessionId: 'ses-y', command: 'run' };
    let w = await SessionLogWriter.create(dir, meta);
    const logPath = w.logPath;
    const children = Array.from({ length: 4 }, (_, i) => startFixture('appender.mjs', [dist, logPath, '40', `c${i}`]));
    let running = true;
    const all = Promise.all(children.map((c) => c.done)).finally(() => (running = false));
    let cycles = 0;
    while (running) {
      for (let i = 0; i < 20; i++) {
        w.emit('wrapper', { type: 'stderr', message: `owner ${cycles}.${i}` });
        await new Promise((r) => setImmediate(r));
      }
      await w.close(); // appenders now go ownerless, under the log lock
      await new Promise((r) => setTimeout(r, 5));
      w = await SessionLogWriter.create(dir, meta);
      cycles++;
    }
    await w.close();
    const results = await all;
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(cycles).toBeGreaterThan(0);
    const lines = readJsonl(logPath);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    const bySeq = new Map(lines.map((l) => [l.seq as number, l]));
    let appended = 0;
    for (const r of results) {
      for (const row of r.stdout.trim().split('\n')) {
        const [seq, msg] = row.split(' ');
        expect(bySeq.get(Number(seq))).toMatchObject({ type: 'user_event', message: msg });
        appended++;
      }
    }
    expect(appended).toBe(160);
    expect(lines.filter((l) => l.type === 'user_event')).toHaveLength(160);
  });
});

describe('a writer killed with SIGKILL in the middle of an emit loop', () => {
  it('leaves only whole lines, keeps every returned seq, and reopens at last + 1 (x10)', async () => {
    const dir = tempDir();
    const id = 'killed';
    const logPath = path.join(dir, 'sessions', `${id}.jsonl`);
    for (let round = 0; round < 10; round++) {
      const { child, done } = startFixture('emit-loop.mjs', [dist, dir, id]);
      const want = 20 + Math.floor(Math.random() * 400);
      let got = '';
      await new Promise<void>((resolve) => {
        child.stdout!.on('data', (d: string) => {
          got += d;
          if (got.split('\n').length > want) resolve();
        });
        child.once('close', () => resolve());
      });
      child.kill('SIGKILL');
      const r = await done;
      expect(r.signal, r.stderr).toBe('SIGKILL');
      // Only what was printed completely counts as returned by emit.
      const returned = got.split('\n').slice(0, -1).map(Number);
      expect(returned.length).toBeGreaterThan(0);

      const text = fs.readFileSync(logPath, 'utf8');
      const complete = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n').slice(0, -1);
      const seqs = complete.map((l) => (JSON.parse(l) as { seq: number }).seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const inFile = new Set(seqs);
      expect(returned.filter((s) => !inFile.has(s))).toEqual([]);

      // Reopening takes over from the dead owner and continues at last + 1.
      const w = await SessionLogWriter.create(dir, { provider: 'gemini', wrapperSessionId: id, command: 'run' });
      const next = w.emit('wrapper', { type: 'stderr', message: `reopened ${round}` });
      const lines = readJsonl(logPath);
      const last = lines.at(-2)!;
      expect(next.seq).toBe((last.seq as number) + 1);
      await w.close();
    }
  });
});

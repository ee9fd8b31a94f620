import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, loadGlobalIndex, loadIndex, saveGlobalIndex, upsertGlobalEntry } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const entry = (id: string, extra: Partial<Record<string, string>> = {}) => ({
  session_id: id,
  project: 'test-project',
  log_path: `/tmp/logs/${id}.jsonl`,
  provider: 'claude',
  started_at: '2026-03-24T12:00:00Z',
  ...extra,
});

describe('sessions_index.json', () => {
  it('upserts by session_id and loads back (zag test_global_index_upsert_and_load)', async () => {
    const dir = tempDir();
    expect((await loadGlobalIndex(dir)).sessions).toEqual([]);
    await upsertGlobalEntry(dir, entry('session-1'));
    expect((await loadGlobalIndex(dir)).sessions.map((s) => s.session_id)).toEqual(['session-1']);
    await upsertGlobalEntry(dir, entry('session-1', { log_path: '/tmp/logs/session-1-updated.jsonl', provider: 'gemini' }));
    const one = (await loadGlobalIndex(dir)).sessions;
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ log_path: '/tmp/logs/session-1-updated.jsonl', provider: 'gemini' });
    await upsertGlobalEntry(dir, entry('session-2', { project: 'other-project', provider: 'codex' }));
    expect((await loadGlobalIndex(dir)).sessions).toHaveLength(2);
  });

  it('is written as 2-space pretty JSON in zag key order', async () => {
    const dir = tempDir();
    await saveGlobalIndex(dir, { sessions: [entry('s')] });
    expect(fs.readFileSync(path.join(dir, 'sessions_index.json'), 'utf8')).toBe(
      '{\n  "sessions": [\n    {\n      "session_id": "s",\n      "project": "test-project",\n' +
        '      "log_path": "/tmp/logs/s.jsonl",\n      "provider": "claude",\n      "started_at": "2026-03-24T12:00:00Z"\n    }\n  ]\n}',
    );
  });

  it('a writer records its session there once a global dir is set (zag test_writer_populates_global_index_when_configured)', async () => {
    const base = tempDir();
    const logsDir = path.join(base, 'projects', 'home-user-demo', 'logs');
    const w = await SessionLogWriter.create(logsDir, { provider: 'claude', wrapperSessionId: 'global-test-1', command: 'run' });
    expect((await loadGlobalIndex(base)).sessions).toEqual([]);
    w.setGlobalIndexDir(base);
    await w.setProviderSessionId('native-1');
    await w.finish(true);
    const sessions = (await loadGlobalIndex(base)).sessions;
    expect(sessions).toEqual([
      {
        session_id: 'global-test-1',
        project: 'home-user-demo',
        log_path: w.logPath,
        provider: 'claude',
        started_at: (await loadIndex(logsDir)).sessions[0]!.started_at,
      },
    ]);
    await w.close();
  });

  it('with globalIndexDir given at create, the entry is there right away', async () => {
    const base = tempDir();
    const w = await SessionLogWriter.create(path.join(base, 'logs'), { provider: 'codex', wrapperSessionId: 'g2', command: 'exec' }, { globalIndexDir: base });
    expect((await loadGlobalIndex(base)).sessions).toEqual([expect.objectContaining({ session_id: 'g2', project: path.basename(base) })]);
    await w.close();
  });

  it('a corrupt or half-truncated global index is kept beside it and rebuilt from <base>/projects/*/logs and <base>/logs', async () => {
    const base = tempDir();
    const dirs = [path.join(base, 'projects', 'p-one', 'logs'), path.join(base, 'projects', 'p-two', 'logs'), path.join(base, 'logs')];
    for (const [i, d] of dirs.entries()) {
      const w = await SessionLogWriter.create(d, { provider: 'claude', wrapperSessionId: `s${i}`, command: 'run' }, { globalIndexDir: base });
      await w.finish(true);
      await w.close();
    }
    const file = path.join(base, 'sessions_index.json');
    const good = fs.readFileSync(file, 'utf8');
    // A project whose own index is gone is rebuilt from its logs too.
    fs.rmSync(path.join(dirs[1]!, 'index.json'));
    for (const broken of [good.slice(0, good.length / 2), 'garbage']) {
      fs.writeFileSync(file, broken);
      const sessions = (await loadGlobalIndex(base)).sessions;
      expect(sessions.map((s) => [s.session_id, s.project]).sort()).toEqual([
        ['s0', 'p-one'],
        ['s1', 'p-two'],
        ['s2', path.basename(base)],
      ]);
      expect(sessions.find((s) => s.session_id === 's1')!.log_path).toBe(path.join(dirs[1]!, 'sessions', 's1.jsonl'));
    }
    expect(fs.readdirSync(base).filter((n) => n.startsWith('sessions_index.json.corrupt'))).toHaveLength(2);
  });
});

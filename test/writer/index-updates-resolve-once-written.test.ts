import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionLogWriter, withFileLock, type SessionLogIndexEntry } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const meta = { provider: 'claude', wrapperSessionId: 'ses-1', command: 'run' };

/** The entry as the file on disk holds it right now (no cache, no library code). */
function onDisk(dir: string, id = meta.wrapperSessionId): SessionLogIndexEntry | undefined {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { sessions: SessionLogIndexEntry[] };
  return index.sessions.find((s) => s.wrapper_session_id === id);
}

afterEach(() => vi.restoreAllMocks());

describe('index updates resolve once index.json holds them (the default)', () => {
  it('setProviderSessionId, addSourcePath and setCompleteness are on disk when their promise resolves', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    await w.setProviderSessionId('native-1');
    expect(onDisk(dir)?.provider_session_id).toBe('native-1');
    await w.addSourcePath('/src/a.jsonl');
    expect(onDisk(dir)?.source_paths).toEqual(['/src/a.jsonl']);
    await w.setCompleteness('partial');
    expect(onDisk(dir)?.completeness).toBe('partial');
    await w.finish(true);
    expect(onDisk(dir)?.ended_at).not.toBeNull();
    await w.close();
  });

  it('updates made while a write is in flight are merged into the one next write (group commit)', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    const indexPath = path.join(dir, 'index.json');
    const renames: string[] = [];
    const realRename = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (path.basename(String(to)) === 'index.json') renames.push(String(to));
      return realRename(from, to);
    });

    let first!: Promise<void>;
    let rest!: Promise<unknown[]>;
    // Hold the index lock, so the first write is surely in flight (waiting for it)
    // while the other updates arrive.
    await withFileLock(indexPath, async () => {
      first = w.setProviderSessionId('p-1');
      await new Promise((r) => setTimeout(r, 20));
      rest = Promise.all([
        w.addSourcePath('/src/a.jsonl'),
        w.addSourcePath('/src/b.jsonl'),
        w.setCompleteness('partial'),
        w.setProviderSessionId('p-2'),
      ]);
    });
    await first;
    await rest;
    // One write for the update in flight, one for all four that came meanwhile.
    expect(renames).toHaveLength(2);
    expect(onDisk(dir)).toMatchObject({
      provider_session_id: 'p-2',
      completeness: 'partial',
      source_paths: ['/src/a.jsonl', '/src/b.jsonl'],
    });
    await w.close();
  });

  it('updates made in one go, with nothing in flight, share a single write', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    const renames: string[] = [];
    const realRename = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (path.basename(String(to)) === 'index.json') renames.push(String(to));
      return realRename(from, to);
    });
    await Promise.all([w.setProviderSessionId('p'), w.addSourcePath('/x'), w.setCompleteness('metadata_only')]);
    expect(renames).toHaveLength(1);
    expect(onDisk(dir)).toMatchObject({ provider_session_id: 'p', source_paths: ['/x'], completeness: 'metadata_only' });
    await w.close();
  });

  it('a failed write rejects the updates that waited for it, and the next update writes them', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, meta);
    // A directory where the index should be: the write fails.
    const indexPath = path.join(dir, 'index.json');
    fs.rmSync(indexPath);
    fs.mkdirSync(indexPath);
    await expect(w.setProviderSessionId('lost?')).rejects.toBeTruthy();
    fs.rmdirSync(indexPath);
    await w.addSourcePath('/y');
    expect(onDisk(dir)).toMatchObject({ provider_session_id: 'lost?', source_paths: ['/y'] });
    await w.close();
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, loadIndex, rebuildIndex } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

async function session(dir: string, id: string, opts: { end?: boolean; psid?: string; source?: string } = {}): Promise<string> {
  const w = await SessionLogWriter.create(dir, { provider: 'claude', wrapperSessionId: id, command: 'run', workspacePath: '/w' });
  w.emit('wrapper', { type: 'session_started', command: 'run', cwd: '/w', resumed: false, backfilled: false });
  if (opts.psid) await w.setProviderSessionId(opts.psid);
  if (opts.source) await w.addSourcePath(opts.source);
  if (opts.end) await w.finish(true);
  await w.close();
  return w.logPath;
}

describe('index.json', () => {
  it('with many entries and non-ASCII text is still exactly the pretty JSON of its entries (written piece by piece)', async () => {
    const dir = tempDir();
    for (const id of ['s1', 's2', 's3']) {
      const w = await SessionLogWriter.create(dir, { provider: 'claude', wrapperSessionId: id, command: 'run', workspacePath: `/w/é-ü-${id}-😀` });
      await w.addSourcePath(`/src/ñ-${id}.jsonl`);
      await w.finish(true);
      await w.close();
    }
    const text = fs.readFileSync(path.join(dir, 'index.json'), 'utf8');
    expect(JSON.parse(text).sessions).toHaveLength(3);
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  it('is 2-space pretty JSON in zag key order, without a final newline', async () => {
    const dir = tempDir();
    const logPath = await session(dir, 's1', { end: true, psid: 'p1', source: '/src/a.jsonl' });
    const text = fs.readFileSync(path.join(dir, 'index.json'), 'utf8');
    const e = JSON.parse(text).sessions[0];
    expect(text).toBe(
      [
        '{',
        '  "sessions": [',
        '    {',
        '      "wrapper_session_id": "s1",',
        '      "provider": "claude",',
        '      "provider_session_id": "p1",',
        `      "log_path": ${JSON.stringify(logPath)},`,
        '      "completeness": "full",',
        `      "started_at": "${e.started_at}",`,
        `      "ended_at": "${e.ended_at}",`,
        '      "workspace_path": "/w",',
        '      "command": "run",',
        '      "source_paths": [',
        '        "/src/a.jsonl"',
        '      ],',
        '      "backfilled": false',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
  });

  it('writes empty source_paths as [] and nulls for unknown fields, like serde', async () => {
    const dir = tempDir();
    const w = await SessionLogWriter.create(dir, { provider: 'codex', wrapperSessionId: 's2', command: 'exec' });
    const text = fs.readFileSync(path.join(dir, 'index.json'), 'utf8');
    expect(text).toContain('"provider_session_id": null,');
    expect(text).toContain('"ended_at": null,');
    expect(text).toContain('"source_paths": [],');
    await w.close();
  });

  it('a missing index reads as empty and is not created by reading', async () => {
    const dir = tempDir();
    expect(await loadIndex(dir)).toEqual({ sessions: [] });
    expect(fs.existsSync(path.join(dir, 'index.json'))).toBe(false);
  });

  it('sees changes another process made (the cache is keyed by the file, not trusted blindly)', async () => {
    const dir = tempDir();
    await session(dir, 's5');
    expect((await loadIndex(dir)).sessions).toHaveLength(1);
    const file = path.join(dir, 'index.json');
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    parsed.sessions[0].command = 'edited'; // same length as before? no matter: inode changes on rename
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(parsed, null, 2));
    fs.renameSync(`${file}.tmp`, file);
    expect((await loadIndex(dir)).sessions[0]!.command).toBe('edited');
  });

  it('reads an index in any JSON layout, and checks every entry of one in the pretty layout', async () => {
    const dir = tempDir();
    await session(dir, 'a');
    await session(dir, 'b');
    const file = path.join(dir, 'index.json');
    const value = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify(value)); // compact, as another tool might write it
    expect((await loadIndex(dir)).sessions.map((s) => s.wrapper_session_id)).toEqual(['a', 'b']);
    value.sessions[1].completeness = 'bogus';
    fs.writeFileSync(file, JSON.stringify(value, null, 2)); // pretty layout, one invalid entry
    expect((await loadIndex(dir)).sessions.map((s) => s.completeness)).toEqual(['full', 'full']);
    expect(fs.readdirSync(dir).filter((n) => n.includes('corrupt'))).toHaveLength(1);
  });

  it('keeps a corrupt index beside it and rebuilds it from the logs', async () => {
    const dir = tempDir();
    await session(dir, 'a', { end: true, psid: 'pa' });
    await session(dir, 'b');
    const file = path.join(dir, 'index.json');
    const before = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, '{"sessions": [ {"wrapper_session_id": ');
    const index = await loadIndex(dir);
    expect(index.sessions.map((s) => s.wrapper_session_id).sort()).toEqual(['a', 'b']);
    const a = index.sessions.find((s) => s.wrapper_session_id === 'a')!;
    expect(a).toMatchObject({ provider: 'claude', provider_session_id: 'pa', command: 'run', workspace_path: '/w', completeness: 'full' });
    expect(a.ended_at).toMatch(/Z$/);
    expect(index.sessions.find((s) => s.wrapper_session_id === 'b')!.ended_at).toBeNull();
    const kept = fs.readdirSync(dir).filter((n) => n.includes('corrupt'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, kept[0]!), 'utf8')).toBe('{"sessions": [ {"wrapper_session_id": ');
    // The rebuilt index is on disk and readable.
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).sessions).toHaveLength(2);
    expect(before.length).toBeGreaterThan(0);
  });

  it('treats a half-truncated index the same way, also when a writer finds it', async () => {
    const dir = tempDir();
    await session(dir, 'a', { end: true });
    await session(dir, 'b', { end: true });
    const file = path.join(dir, 'index.json');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    await session(dir, 'c', { end: true });
    const index = await loadIndex(dir);
    expect(index.sessions.map((s) => s.wrapper_session_id).sort()).toEqual(['a', 'b', 'c']);
    expect(index.sessions.every((s) => s.ended_at !== null)).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => n.includes('corrupt'))).toHaveLength(1);
  });

  it('a schema-invalid or empty index is corrupt too, never silently replaced by an empty one', async () => {
    const dir = tempDir();
    await session(dir, 'a');
    const file = path.join(dir, 'index.json');
    fs.writeFileSync(file, '{"sessions":[{"wrapper_session_id":1}]}');
    expect((await loadIndex(dir)).sessions.map((s) => s.wrapper_session_id)).toEqual(['a']);
    fs.writeFileSync(file, '');
    expect((await loadIndex(dir)).sessions.map((s) => s.wrapper_session_id)).toEqual(['a']);
    expect(fs.readdirSync(dir).filter((n) => n.includes('corrupt'))).toHaveLength(2);
  });

  it('rebuildIndex re-reads the logs but keeps what only the index knew (source_paths)', async () => {
    const dir = tempDir();
    await session(dir, 'a', { end: true, source: '/src/a' });
    const logB = await session(dir, 'b');
    fs.rmSync(logB);
    const index = await rebuildIndex(dir);
    expect(index.sessions.map((s) => s.wrapper_session_id)).toEqual(['a']);
    expect(index.sessions[0]!.source_paths).toEqual(['/src/a']);
    expect((await loadIndex(dir)).sessions).toEqual(index.sessions);
  });
});

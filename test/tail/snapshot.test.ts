import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnapshotReader } from '../../src/tail/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'snapshot-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `f${n++}.json`);

describe('SnapshotReader', () => {
  it('reads a file once per version: nothing while it is missing or unchanged', async () => {
    const path = file();
    const r = new SnapshotReader(path);
    expect(await r.readIfChanged()).toBeNull();
    writeFileSync(path, '{"a":1}');
    const first = await r.readIfChanged();
    expect(first).toMatchObject({ text: '{"a":1}', stable: true, signature: { size: 7 } });
    expect(await r.readIfChanged()).toBeNull();
    writeFileSync(path, '{"a":12}');
    expect((await r.readIfChanged())?.text).toBe('{"a":12}');
    await r.close();
  });

  it('sees a rewrite to the same size (mtime) and an atomic replacement (inode)', async () => {
    const path = file();
    writeFileSync(path, 'aaaa');
    const r = new SnapshotReader(path);
    await r.readIfChanged();
    writeFileSync(path, 'bbbb');
    const later = new Date(Date.now() + 5_000);
    utimesSync(path, later, later);
    expect((await r.readIfChanged())?.text).toBe('bbbb');
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, 'cccc');
    utimesSync(tmp, later, later);
    renameSync(tmp, path);
    expect((await r.readIfChanged())?.text).toBe('cccc');
  });

  it('reads the same version again after invalidate(), and nothing after close()', async () => {
    const path = file();
    writeFileSync(path, 'x');
    const r = new SnapshotReader(path);
    await r.readIfChanged();
    r.invalidate();
    expect((await r.readIfChanged())?.text).toBe('x');
    await r.close();
    await r.close();
    writeFileSync(path, 'yy');
    expect(await r.readIfChanged()).toBeNull();
  });

  it('refuses a file larger than maxBytes with ERR_IO instead of reading it', async () => {
    const path = file();
    writeFileSync(path, '0123456789');
    await expect(new SnapshotReader(path, { maxBytes: 4 }).readIfChanged()).rejects.toMatchObject({ code: 'ERR_IO' });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionLogWriter, isSafeSessionId, isSessionLogError } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const UNSAFE: Array<[string, string]> = [
  ['parent escape', '../evil'],
  ['slash', 'a/b'],
  ['absolute', '/abs'],
  ['dot-dot', '..'],
  ['empty', ''],
  ['NUL', 'a\0b'],
  ['backslash', 'a\\b'],
  ['300 bytes', 'x'.repeat(300)],
];

describe('wrapperSessionId must be a safe file name', () => {
  it.each(UNSAFE)('rejects %s with ERR_INVALID_SESSION_ID and writes nothing', async (_name, id) => {
    const root = tempDir();
    const logsDir = path.join(root, 'project', 'logs');
    const err = await SessionLogWriter.create(logsDir, { provider: 'claude', wrapperSessionId: id, command: 'run' }).catch(
      (e: unknown) => e,
    );
    expect(isSessionLogError(err, 'ERR_INVALID_SESSION_ID')).toBe(true);
    expect((err as Error).message).toMatch(/invalid wrapper session id/);
    // Nothing at all was created, inside or outside the logs dir.
    expect(fs.readdirSync(root)).toEqual([]);
    expect(isSafeSessionId(id)).toBe(false);
  });

  it('counts the limit in UTF-8 bytes and accepts ordinary ids', async () => {
    expect(isSafeSessionId('é'.repeat(100))).toBe(true); // 200 bytes
    expect(isSafeSessionId('é'.repeat(101))).toBe(false); // 202 bytes
    const dir = tempDir();
    for (const id of ['0f9c2e1a-7b3d-4c5e-9f00-123456789abc', 'rollout-2026-11-28T19-00-00', 'a.b', 'ünï']) {
      const w = await SessionLogWriter.create(dir, { provider: 'codex', wrapperSessionId: id, command: 'exec' });
      expect(path.dirname(w.logPath)).toBe(path.join(dir, 'sessions'));
      await w.close();
    }
  });
});

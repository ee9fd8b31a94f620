import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultHistoricalAdapters, isSessionLogError, runBackfill, SessionLogWriter } from '../../src/index.js';
import { buildFakeHome } from '../backfill/helpers/fake-home.js';
import { ensureDist } from '../helpers/dist.js';
import { runCli } from '../cli/helpers/run.js';

let dir: string;
let logs: string;
const meta = { provider: 'claude', wrapperSessionId: 'victim', command: 'run' } as const;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'asl-own-'));
  logs = join(dir, 'logs');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('our own files are never reached through links', () => {
  it('a log planted as a symlink is refused with ERR_UNSAFE_PATH and its target is left untouched', async () => {
    const target = join(dir, 'elsewhere.txt');
    await writeFile(target, 'precious\n');
    await mkdir(join(logs, 'sessions'), { recursive: true });
    await symlink(target, join(logs, 'sessions', 'victim.jsonl'));
    const err = await SessionLogWriter.create(logs, meta).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_UNSAFE_PATH')).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('precious\n');
  });

  it('an index.json planted as a symlink is refused and the index it points at is not rewritten', async () => {
    const target = join(dir, 'other-index.json');
    const text = '{"sessions":[]}\n';
    await writeFile(target, text);
    await mkdir(logs, { recursive: true });
    await symlink(target, join(logs, 'index.json'));
    const err = await SessionLogWriter.create(logs, meta).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_UNSAFE_PATH')).toBe(true);
    expect(await readFile(target, 'utf8')).toBe(text);
  });

  it('a backfill_state.json planted as a symlink stops the import with ERR_UNSAFE_PATH, its target untouched', async () => {
    const target = join(dir, 'state-elsewhere.json');
    await writeFile(target, '{}');
    await mkdir(logs, { recursive: true });
    await symlink(target, join(logs, 'backfill_state.json'));
    const err = await runBackfill(logs, null, [], { inWorker: false }).catch((e: unknown) => e);
    expect(isSessionLogError(err, 'ERR_UNSAFE_PATH')).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('{}');
  });
});

describe('private by default', () => {
  it('creates the log and index 0600 and their folders 0700; fileMode 0o644 opts out', async () => {
    const w = await SessionLogWriter.create(logs, meta);
    w.emit('wrapper', { type: 'user_message', role: 'user', content: 'secret' });
    await w.finish(true);
    await w.close();
    expect((await stat(join(logs, 'sessions', 'victim.jsonl'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(logs, 'index.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(logs, 'sessions'))).mode & 0o777).toBe(0o700);
    expect((await stat(logs)).mode & 0o777).toBe(0o700);
    const open = join(dir, 'open-logs');
    const w2 = await SessionLogWriter.create(open, meta, { fileMode: 0o644 });
    await w2.close();
    // The umask applies on top (022 in CI): group and others may read, nobody else may write.
    expect((await stat(join(open, 'sessions', 'victim.jsonl'))).mode & 0o644).toBe(0o644 & ~0o022 & 0o644);
  });

  it('the import creates its logs, index and state file 0600', async () => {
    const home = await buildFakeHome(join(dir, 'home'));
    const result = await runBackfill(logs, null, defaultHistoricalAdapters({ home }));
    expect(result.imported).toBeGreaterThan(0);
    expect((await stat(join(logs, 'backfill_state.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(logs, 'index.json'))).mode & 0o777).toBe(0o600);
    for (const name of await readdir(join(logs, 'sessions'))) {
      expect((await stat(join(logs, 'sessions', name))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(join(logs, 'sessions'))).mode & 0o777).toBe(0o700);
  }, 60_000);
});

describe('clear errors for bad paths', () => {
  it('a logs folder that is a file is ERR_INVALID_LOGS_DIR for the writer and the import', async () => {
    await writeFile(logs, 'a file');
    const e1 = await SessionLogWriter.create(logs, meta).catch((e: unknown) => e);
    expect(isSessionLogError(e1, 'ERR_INVALID_LOGS_DIR')).toBe(true);
    const e2 = await runBackfill(logs, null, [], { inWorker: false }).catch((e: unknown) => e);
    expect(isSessionLogError(e2, 'ERR_INVALID_LOGS_DIR')).toBe(true);
    expect((e2 as Error).message).toContain('is a file');
  });

  it('the CLI says so in one line on stderr and exits 1', async () => {
    await ensureDist();
    await writeFile(logs, 'a file');
    for (const cmd of ['list', 'import']) {
      const r = await runCli([cmd, '--logs-dir', logs, '--home', dir], { home: dir });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('[ERR_INVALID_LOGS_DIR]');
      expect(r.stderr).not.toContain('EEXIST');
    }
  }, 120_000);
});

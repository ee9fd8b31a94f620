import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionLogMetadata } from '../../src/index.js';

/** A fresh temp directory; `cleanup` removes it. */
export async function tempDir(prefix = 'coord-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function metadata(id: string, extra: Partial<SessionLogMetadata> = {}): SessionLogMetadata {
  return { provider: 'claude', wrapperSessionId: id, command: 'run', ...extra };
}

export type LoggedEvent = Record<string, unknown> & { seq: number; type: string; source_kind: string };

/** Every line of a session log, parsed; throws on a line that is not JSON (the log must stay valid). */
export async function readEvents(logPath: string): Promise<LoggedEvent[]> {
  const text = await readFile(logPath, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as LoggedEvent);
}

export function ofType(events: LoggedEvent[], type: string): LoggedEvent[] {
  return events.filter((e) => e.type === type);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check` returns true; rejects with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/**
 * Resolves once no new entry was pushed to `times` for `quietMs`: after the
 * watch set changed, the wake-up that says the new watch is live has come and gone.
 */
export async function waitForQuiet(times: readonly number[], quietMs = 100, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = times.length;
  let since = performance.now();
  while (performance.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the polls to settle');
    await sleep(5);
    if (times.length !== count) {
      count = times.length;
      since = performance.now();
    }
  }
}

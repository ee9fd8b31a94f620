import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogEventInput, LogSourceKind } from '../../../src/index.js';
import { createCodexParser } from '../../../src/providers/index.js';
import { readLines } from '../../../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/codex/', import.meta.url));
/** The generated fixtures: a copy of a `~/.codex` folder. */
export const GENERATED_CODEX = join(FIXTURES, 'generated');

/** A fresh temp home; `withCodex` copies a `.codex` folder into it. */
export async function tempHome(withCodex?: string): Promise<{ home: string; codex: string; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'asl-codex-'));
  const codex = join(home, '.codex');
  if (withCodex) await cp(withCodex, codex, { recursive: true });
  return { home, codex, cleanup: () => rm(home, { recursive: true, force: true }) };
}

/** The events a backfill parser produces for a whole file. */
export async function parseWhole(path: string, source: LogSourceKind = 'backfill'): Promise<LogEventInput[]> {
  const parser = createCodexParser({ source });
  const out: LogEventInput[] = [];
  for await (const { line } of readLines(path)) for (const [, e] of parser.push(line)) out.push(e);
  for (const [, e] of parser.end()) out.push(e);
  return out;
}

export async function collect<T>(it: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

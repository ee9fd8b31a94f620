import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { SessionLogError } from '../../errors.js';
import { readLines } from '../../tail/index.js';
import { stampWithFileTime } from './record-times.js';
import type { LineParser, ParsedEvent, SessionMeta } from './types.js';

/** True when `path` is `root` or inside it (lexically; `root` may be `/`). */
export function isWithin(path: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Two directory paths name the same place: equal once resolved, or once symlinks are followed (macOS /private/tmp, bind mounts). */
export async function samePath(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const [ra, rb] = await Promise.all([realpath(a).catch(() => undefined), realpath(b).catch(() => undefined)]);
  return ra !== undefined && ra === rb;
}

/** A regular file exists at `path` (a folder, a missing path or an unreadable parent: false). */
export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Throws ERR_ABORTED when a backfill's signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SessionLogError('ERR_ABORTED', 'backfill aborted', { cause: signal.reason });
}

/** A lazily parsed file; `meta` is what the last iteration's parser learned. */
export interface ParsedLines extends AsyncIterable<ParsedEvent> {
  readonly meta: Readonly<SessionMeta>;
}

/**
 * A session's events from one JSONL file, lazily: nothing is opened until
 * the runner iterates, and each iteration starts a fresh parser, so the
 * iterable can be read again. Lines stream through `readLines` (bounded memory).
 */
export function parsedLines(path: string, makeParser: () => LineParser, signal?: AbortSignal): ParsedLines {
  let last: LineParser | null = null;
  return {
    get meta() {
      return last?.meta ?? {};
    },
    async *[Symbol.asyncIterator]() {
      const parser = makeParser();
      last = parser;
      for await (const { line } of readLines(path, { signal })) yield* parser.push(line);
      yield* stampWithFileTime(parser.end(), path);
    },
  };
}

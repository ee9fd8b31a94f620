import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  BackfilledSession,
  HistoricalBackfillOptions,
  HistoricalLogAdapter,
  LogEventInput,
  LogSourceKind,
} from '../../../src/index.js';
import { readLines } from '../../../src/index.js';

/**
 * A test-only historical adapter over real files, honest like the real ones:
 * it lists `<dir>/*.jsonl`, asks `filter` before opening a file, reads the
 * header line to name the session, and streams the events only when the
 * runner iterates them. Every open is counted in `opens`.
 *
 * File format: line 1 `{"session":"<id>","cwd":"/w","model":"m"}` (no
 * `session` => the file holds no session); then one event per line, either a
 * `LogEventInput` object or `{"source":"provider_file","event":{...}}`.
 * A line `THROW` makes the event stream throw there (a broken file); a header
 * `{"throw":true}` makes the adapter's own iteration throw (a file it cannot
 * even list); an unparseable line becomes a parse_warning.
 * `<name>.sub.jsonl` files are extra sources of session `<name>` (sub-agents).
 */
export class JsonlTestAdapter implements HistoricalLogAdapter {
  opens = 0;
  /** Paths opened, in order. */
  readonly opened: string[] = [];
  /** Paths whose events were read (not just the header). */
  readonly eventReads: string[] = [];

  constructor(
    readonly provider: string,
    private readonly dir: string,
  ) {}

  async *backfill(_root?: string | null, options: HistoricalBackfillOptions = {}): AsyncIterable<BackfilledSession> {
    const { signal, filter } = options;
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.jsonl') && !n.endsWith('.sub.jsonl')).sort();
    } catch {
      return;
    }
    const all = new Set(await readdir(this.dir));
    for (const name of names) {
      signal?.throwIfAborted();
      const main = join(this.dir, name);
      const subName = name.replace(/\.jsonl$/, '.sub.jsonl');
      const sourcePaths = all.has(subName) ? [main, join(this.dir, subName)] : [main];
      if (filter && !(await filter({ provider: this.provider, sourcePaths }))) continue;
      const header = await this.readHeader(main, signal);
      if (header.throw) throw new Error(`cannot read ${main}`);
      if (typeof header.session !== 'string') continue;
      yield {
        metadata: {
          provider: this.provider,
          wrapperSessionId: header.session,
          providerSessionId: header.session,
          workspacePath: typeof header.cwd === 'string' ? header.cwd : null,
          model: typeof header.model === 'string' ? header.model : null,
          command: 'backfill',
          resumed: false,
          backfilled: true,
        },
        completeness: 'full',
        sourcePaths,
        events: this.events(sourcePaths, signal),
      };
    }
  }

  private async readHeader(path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    this.count(path);
    for await (const { line } of readLines(path, { signal })) {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    }
    return {};
  }

  private async *events(paths: string[], signal?: AbortSignal): AsyncGenerator<[LogSourceKind, LogEventInput]> {
    for (const path of paths) {
      this.count(path);
      this.eventReads.push(path);
      let first = true;
      for await (const { line } of readLines(path, { signal })) {
        if (first && !path.endsWith('.sub.jsonl')) {
          first = false;
          continue;
        }
        if (line === 'THROW') throw new Error(`broken record in ${path}`);
        if (line.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          yield ['backfill', { type: 'parse_warning', message: 'bad line', raw: line }];
          continue;
        }
        const v = value as { source?: LogSourceKind; event?: LogEventInput };
        if (v.event) yield [v.source ?? 'backfill', v.event];
        else yield ['backfill', value as LogEventInput];
      }
    }
  }

  private count(path: string): void {
    this.opens++;
    this.opened.push(path);
  }
}

/** Writes a session file for {@link JsonlTestAdapter}. */
export function sessionFile(id: string | null, events: unknown[], extraHeader: Record<string, unknown> = {}): string {
  const header = id === null ? { ...extraHeader } : { session: id, cwd: '/work/demo', model: 'm-1', ...extraHeader };
  return [header, ...events].map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n') + '\n';
}

/** `n` simple events: user/assistant message pairs with distinct contents. */
export function messages(n: number, tag = 'm'): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      i % 2 === 0
        ? { type: 'user_message', role: 'user', content: `${tag}-${i}` }
        : { type: 'assistant_message', content: `${tag}-${i}`, message_id: `msg-${i}` },
    );
  }
  return out;
}

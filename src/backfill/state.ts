import { closeSync, constants, readFileSync } from 'node:fs';
import { DEFAULT_FILE_MODE, openOwnFile, replaceOwnFileSync } from '../index-files/own-files.js';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { SessionLogError } from '../errors.js';
import { BackfillStateSchema, type SessionLogMetadata, type SourceFingerprint } from '../schema/index.js';
import { sameFingerprint } from './fingerprint.js';
import { prettyJsonBytes } from './pretty-json.js';

/** zag's state version: zag's `run_backfill` does nothing once it reads this. */
export const BACKFILL_STATE_VERSION = 1;

export const BACKFILL_STATE_FILE = 'backfill_state.json';

/** `<provider>:<provider session id, else wrapper session id>`, exactly as zag keys its state. */
export function sessionKey(metadata: Pick<SessionLogMetadata, 'provider' | 'providerSessionId' | 'wrapperSessionId'>): string {
  return `${metadata.provider}:${metadata.providerSessionId ?? metadata.wrapperSessionId}`;
}

export type Fingerprints = Record<string, SourceFingerprint>;

function newer(a: SourceFingerprint, b: SourceFingerprint): boolean {
  return a.mtime_ms > b.mtime_ms || (a.mtime_ms === b.mtime_ms && a.size > b.size);
}

/**
 * `backfill_state.json` in memory. zag's fields (`version`, `imported_session_keys`)
 * are kept as zag reads them; `sources` and `empty_sources` are ours and let a run
 * decide from `stat` alone whether a source file changed since it was imported.
 * Only the backfill runner writes this file, always under the run lock.
 */
export class BackfillStateStore {
  private readonly importedKeys: Set<string>;
  private readonly sources: Map<string, Fingerprints>;
  private readonly emptySources: Map<string, SourceFingerprint>;
  /** Newest recorded fingerprint of each source path, over all sessions. */
  private readonly byPath = new Map<string, SourceFingerprint>();
  private dirty = false;

  private constructor(
    readonly path: string,
    private readonly extra: Record<string, unknown>,
    keys: string[],
    sources: Record<string, Fingerprints>,
    empty: Record<string, SourceFingerprint>,
  ) {
    this.importedKeys = new Set(keys);
    this.sources = new Map(Object.entries(sources));
    this.emptySources = new Map(Object.entries(empty));
    for (const fps of this.sources.values()) this.indexPaths(fps);
  }

  /**
   * Reads the state of `logsDir`. A missing file is an empty state. A file that
   * is not valid JSON is moved aside (`backfill_state.json.corrupt-<ms>`), never
   * silently lost, and the run starts from an empty state: it then rebuilds logs
   * in place, which cannot duplicate events.
   */
  static async load(logsDir: string, fileMode: number = DEFAULT_FILE_MODE): Promise<BackfillStateStore> {
    const path = join(logsDir, BACKFILL_STATE_FILE);
    const store = await BackfillStateStore.read(path);
    store.fileMode = fileMode;
    return store;
  }

  /** Mode the state file is written with (see own-files.ts). */
  private fileMode = DEFAULT_FILE_MODE;

  private static async read(path: string): Promise<BackfillStateStore> {
    let text: string;
    try {
      // Never through a planted link (ERR_UNSAFE_PATH).
      const fd = openOwnFile(path, constants.O_RDONLY);
      if (fd === null) return new BackfillStateStore(path, {}, [], {}, {});
      try {
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if (err instanceof SessionLogError) throw err;
      throw new SessionLogError('ERR_IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      await rename(path, `${path}.corrupt-${Date.now()}`).catch(() => undefined);
      return new BackfillStateStore(path, {}, [], {}, {});
    }
    const full = BackfillStateSchema.safeParse(raw);
    if (full.success) {
      const { version: _v, imported_session_keys, sources, empty_sources, ...extra } = full.data;
      return new BackfillStateStore(path, extra, imported_session_keys, sources ?? {}, empty_sources ?? {});
    }
    // Our own keys are malformed: keep zag's part (and so zag's promise), drop ours.
    const zagOnly = BackfillStateSchema.pick({ imported_session_keys: true }).safeParse(raw);
    const keys = zagOnly.success ? zagOnly.data.imported_session_keys : [];
    if (!zagOnly.success) await rename(path, `${path}.corrupt-${Date.now()}`).catch(() => undefined);
    return new BackfillStateStore(path, {}, keys, {}, {});
  }

  private indexPaths(fps: Fingerprints): void {
    for (const [p, fp] of Object.entries(fps)) {
      const known = this.byPath.get(p);
      if (!known || newer(fp, known)) this.byPath.set(p, fp);
    }
  }

  /**
   * Whether a candidate's files are all unchanged since they were recorded:
   * `session` when they belong to a recorded session, `empty` when they were
   * parsed before and held no session, `changed` otherwise (new, grown,
   * replaced, or not stat-able).
   */
  unchanged(paths: readonly string[], fps: readonly (SourceFingerprint | null)[]): 'session' | 'empty' | 'changed' {
    if (paths.length === 0) return 'changed';
    let session = false;
    for (let i = 0; i < paths.length; i++) {
      const p = paths[i]!;
      const fp = fps[i];
      if (sameFingerprint(this.byPath.get(p), fp)) session = true;
      else if (!sameFingerprint(this.emptySources.get(p), fp)) return 'changed';
    }
    return session ? 'session' : 'empty';
  }

  /** True when this session's recorded sources are exactly `fps` (same paths, same fingerprints). */
  sessionUnchanged(key: string, fps: Fingerprints): boolean {
    const known = this.sources.get(key);
    if (!known) return false;
    const paths = Object.keys(fps);
    if (paths.length === 0 || paths.length !== Object.keys(known).length) return false;
    return paths.every((p) => sameFingerprint(known[p], fps[p]));
  }

  /** Imported by zag (or by an older state without fingerprints): its key is listed, its files are not. */
  importedWithoutFingerprints(key: string): boolean {
    return this.importedKeys.has(key) && !this.sources.has(key);
  }

  /** The session's log was written (or adopted, see the runner): remember its files as they were. */
  recordImported(key: string, fps: Fingerprints): void {
    this.importedKeys.add(key);
    this.recordSources(key, fps);
  }

  /** Remember the files of a session that was deliberately not written (it was recorded live). */
  recordSources(key: string, fps: Fingerprints): void {
    this.sources.set(key, fps);
    this.indexPaths(fps);
    for (const p of Object.keys(fps)) this.emptySources.delete(p);
    this.dirty = true;
  }

  /** A parsed source file that held no session. */
  recordEmpty(path: string, fp: SourceFingerprint): void {
    if (this.byPath.has(path)) return;
    this.emptySources.set(path, fp);
    this.dirty = true;
  }

  get size(): number {
    return this.importedKeys.size;
  }

  hasImported(key: string): boolean {
    return this.importedKeys.has(key);
  }

  /**
   * Writes the state atomically if it changed. `version` is always zag's 1, so
   * that a later zag run does not import the same history a second time.
   */
  async save(force = false): Promise<void> {
    if (!this.dirty && !force) return;
    // The collections themselves, not copies: prettyJsonBytes writes Sets as arrays and Maps as objects.
    const data = {
      version: BACKFILL_STATE_VERSION,
      imported_session_keys: this.importedKeys,
      ...this.extra,
      sources: this.sources,
      empty_sources: this.emptySources,
    };
    try {
      // No fsync: a state lost to a power cut only makes the next run rebuild logs in place.
      // Our own temp + rename: write-file-atomic would follow a planted symlink and rewrite its target.
      replaceOwnFileSync(this.path, prettyJsonBytes(data), { fsync: false, fileMode: this.fileMode });
    } catch (err) {
      if (err instanceof SessionLogError) throw err;
      throw new SessionLogError('ERR_IO', `cannot write ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    this.dirty = false;
  }
}

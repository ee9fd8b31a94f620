import type { BackfillCandidate, SourceFingerprint } from '../schema/index.js';

interface Accepted {
  candidate: BackfillCandidate;
  fps: (SourceFingerprint | null)[];
}

/** Identity of a candidate within one run: its provider and its files. */
export function candidateId(c: BackfillCandidate): string {
  return `${c.provider}\0${c.sourcePaths.join('\0')}`;
}

/** Key under which a failure is reported when the session id is not known yet. */
export function candidateKey(c: BackfillCandidate): string {
  return `${c.provider}:${c.sourcePaths[0] ?? '?'}`;
}

/**
 * Bookkeeping of one `adapter.backfill()` iteration: which candidates the
 * filter let through and which of them have produced a session yet. It tells
 * the runner which files an adapter was reading when it threw, and which files
 * were parsed but held no session.
 */
export class AdapterPass {
  /** Let through and not yet matched by a session, in filter order. */
  private readonly open = new Map<string, Accepted>();
  /** Fingerprints taken by the filter, before the adapter opened the files. */
  private readonly fps = new Map<string, SourceFingerprint | null>();

  accept(candidate: BackfillCandidate, fps: (SourceFingerprint | null)[]): void {
    this.open.set(candidateId(candidate), { candidate, fps });
    for (const [i, p] of candidate.sourcePaths.entries()) this.fps.set(p, fps[i] ?? null);
  }

  /**
   * The fingerprint the filter took of `path`, if it did. Taken before parsing,
   * so a file that grows while it is read looks changed to the next run.
   */
  fingerprintFor(path: string): SourceFingerprint | null | undefined {
    return this.fps.get(path);
  }

  /** A session covering `paths` was produced: the candidates holding them are done. */
  cover(paths: readonly string[]): void {
    const set = new Set(paths);
    for (const [id, acc] of this.open) {
      if (acc.candidate.sourcePaths.some((p) => set.has(p))) {
        this.open.delete(id);
        for (const p of acc.candidate.sourcePaths) this.fps.delete(p);
      }
    }
    for (const p of paths) this.fps.delete(p);
  }

  /** The candidate most recently let through that has not produced a session: the one being read. */
  current(): BackfillCandidate | undefined {
    let last: Accepted | undefined;
    for (const acc of this.open.values()) last = acc;
    return last?.candidate;
  }

  /** Forgets one candidate (it failed). */
  drop(candidate: BackfillCandidate): void {
    this.open.delete(candidateId(candidate));
  }

  /** Candidates that were let through and parsed but produced no session. */
  empties(): Accepted[] {
    return [...this.open.values()];
  }
}

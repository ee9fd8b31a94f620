/** Where a run is: listing the history, importing it, or finished. */
export type BackfillPhase = 'scanning' | 'importing' | 'done';

export interface BackfillProgress {
  phase: BackfillPhase;
  /** Source files handled so far in this phase (imported, skipped or failed). */
  filesDone: number;
  /** Source files found by the scan (grows while scanning). */
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Sessions handled so far: imported + skipped + failed. */
  sessions: number;
}

/** At most one report per this interval, plus one at every phase change. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Calls `onProgress` at a bounded rate. A callback that throws is ignored:
 * a progress bar must not break an import.
 */
export class ProgressReporter {
  readonly state: BackfillProgress = {
    phase: 'scanning',
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    sessions: 0,
  };
  private last = 0;

  constructor(private readonly onProgress?: (p: BackfillProgress) => void) {}

  /** Reports now if the interval has passed since the last report. */
  tick(): void {
    if (!this.onProgress) return;
    const now = Date.now();
    if (now - this.last < PROGRESS_INTERVAL_MS) return;
    this.emit(now);
  }

  /** Starts a phase (the done counters restart) and reports it at once. */
  phase(phase: BackfillPhase): void {
    this.state.phase = phase;
    if (phase === 'importing') {
      this.state.filesDone = 0;
      this.state.bytesDone = 0;
    }
    if (this.onProgress) this.emit(Date.now());
  }

  private emit(now: number): void {
    this.last = now;
    try {
      this.onProgress?.({ ...this.state });
    } catch {
      // ignored on purpose, see the class comment
    }
  }
}

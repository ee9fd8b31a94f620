import type { BackfilledSession, LogCompleteness, SessionLogMetadata } from '../schema/index.js';
import type { PortableEvents } from '../providers/shared/event-batches.js';
import { callPortable } from '../providers/shared/portable.js';
import { streamSessionLog, type WrittenLog } from './session-log-file.js';

/** One session for an import thread: how to make its events, and where its log goes. */
export interface ImportJob extends PortableEvents {
  id: number;
  /** The run it belongs to (aborts are per run). */
  run: number;
  metadata: SessionLogMetadata;
  completeness: LogCompleteness;
  sourcePaths: string[];
  logPath: string;
  tmpPath: string;
  /** Mode of the log file (RunBackfillOptions.fileMode). */
  fileMode?: number;
}

/**
 * Writes a job's log: its events made again from their portable description
 * (EVENT_SOURCE), streamed exactly as the run's own thread would. Used by the
 * import threads, and by the run's thread for the jobs of a thread that could
 * not start.
 */
export async function importJob(job: ImportJob, signal?: AbortSignal): Promise<WrittenLog> {
  const session: BackfilledSession = {
    metadata: job.metadata,
    completeness: job.completeness,
    sourcePaths: job.sourcePaths,
    events: (await callPortable(job, signal)) as BackfilledSession['events'],
  };
  const log = await streamSessionLog(session, job.logPath, job.tmpPath, signal, job.fileMode);
  return log.committed;
}

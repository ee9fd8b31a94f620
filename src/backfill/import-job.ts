import { SessionLogError } from '../errors.js';
import type { BackfilledSession, LogCompleteness, SessionLogMetadata } from '../schema/index.js';
import type { PortableEvents } from '../providers/shared/event-batches.js';
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
}

/**
 * Writes a job's log: its events made again from their portable description
 * (EVENT_SOURCE), streamed exactly as the run's own thread would. Used by the
 * import threads, and by the run's thread for the jobs of a thread that could
 * not start.
 */
export async function importJob(job: ImportJob, signal?: AbortSignal): Promise<WrittenLog> {
  const mod = (await import(job.module)) as Record<string, unknown>;
  const make = mod[job.name];
  if (typeof make !== 'function') throw new SessionLogError('ERR_IO', `${job.module} has no function ${job.name}`);
  const session: BackfilledSession = {
    metadata: job.metadata,
    completeness: job.completeness,
    sourcePaths: job.sourcePaths,
    events: make(...job.args, signal) as BackfilledSession['events'],
  };
  const log = await streamSessionLog(session, job.logPath, job.tmpPath, signal);
  return log.committed;
}

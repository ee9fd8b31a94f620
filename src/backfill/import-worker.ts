/**
 * Worker-thread side of ImportPool: imports sessions one at a time, each by
 * recreating its events from their portable description (EVENT_SOURCE) and
 * writing its log exactly as the runner's own thread would (streamSessionLog).
 * Only the log file is written here; the index and the state stay with the
 * runner, which records each log once this thread reports it in place.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SessionLogError } from '../errors.js';
import { importJob, type ImportJob } from './import-job.js';
import type { ImportReply, ImportRequest } from './import-pool.js';

const port = parentPort;
/** Jobs finished, read by the pool without waiting for the replies (see ImportPool). */
const finished = (workerData as { finished?: Int32Array } | null)?.finished;
/** One per run: an abort stops that run's sessions only. */
const controllers = new Map<number, AbortController>();
const queue: ImportJob[] = [];
let running = false;

function controllerOf(run: number): AbortController {
  let c = controllers.get(run);
  if (!c) controllers.set(run, (c = new AbortController()));
  return c;
}

async function runJob(job: ImportJob): Promise<ImportReply> {
  try {
    return { id: job.id, ok: true, written: await importJob(job, controllerOf(job.run).signal) };
  } catch (err) {
    const code = err instanceof SessionLogError ? err.code : 'ERR_IO';
    return { id: job.id, ok: false, code, message: err instanceof Error ? err.message : String(err) };
  }
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const reply = await runJob(job);
      if (finished) Atomics.add(finished, 0, 1);
      port!.postMessage(reply);
    }
  } finally {
    running = false;
  }
}

port?.on('message', (msg: ImportRequest) => {
  if (msg.type === 'abort') {
    controllerOf(msg.run).abort(new Error('backfill aborted'));
    return;
  }
  queue.push(msg.job);
  void drain();
});

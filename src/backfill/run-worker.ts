/**
 * Worker-thread side of run-thread.ts: runs whole imports (runBackfillHere)
 * with adapters made again from their portable descriptions, and reports
 * progress, the result or the error back. Runs are independent; an abort
 * stops only its own.
 */
import { parentPort } from 'node:worker_threads';
import { SessionLogError } from '../errors.js';
import type { HistoricalLogAdapter } from '../schema/index.js';
import { callPortable } from '../providers/shared/portable.js';
import { runBackfillHere } from './run-here.js';
import type { RunReply, RunRequest } from './run-thread.js';

const port = parentPort;
const controllers = new Map<number, AbortController>();

async function run(msg: Extract<RunRequest, { type: 'run' }>): Promise<RunReply> {
  const { id } = msg;
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    const adapters = (await Promise.all(msg.adapters.map((a) => callPortable(a)))) as HistoricalLogAdapter[];
    const result = await runBackfillHere(msg.logsDir, msg.root, adapters, {
      signal: controller.signal,
      threads: msg.threads,
      globalIndexDir: msg.globalIndexDir,
      fileMode: msg.fileMode,
      onProgress: msg.progress ? (progress) => port!.postMessage({ type: 'progress', id, progress } satisfies RunReply) : undefined,
    });
    return { type: 'done', id, result };
  } catch (err) {
    const errno = (err as { code?: unknown } | null)?.code;
    return {
      type: 'failed',
      id,
      code: err instanceof SessionLogError ? err.code : null,
      errno: err instanceof SessionLogError || typeof errno !== 'string' ? undefined : errno,
      message: err instanceof Error ? err.message : String(err),
    };
  } finally {
    controllers.delete(id);
  }
}

port?.on('message', (msg: RunRequest) => {
  if (msg.type === 'abort') {
    controllers.get(msg.id)?.abort(new Error('backfill aborted'));
    return;
  }
  void run(msg).then((reply) => port.postMessage(reply));
});

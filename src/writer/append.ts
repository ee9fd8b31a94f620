import fs from 'node:fs';
import { ensureOwnDir, LOG_APPEND_FLAGS, openOwnFile } from '../index-files/own-files.js';
import path from 'node:path';
import { SessionLogError } from '../errors.js';
import type { AgentLogEvent } from '../schema/event.js';
import type { LogEventInput } from '../schema/kinds.js';
import { normalizeEventInput, serializeEvent } from '../schema/serialize.js';
import { withFileLock, type LockOptions } from '../index-files/lock.js';
import { checkEnvelope, checkLimitProvider, eventOf, readLogIdentity } from './envelope.js';
import { repairTail, writeWhole } from './log-file.js';
import { probeOwner, readOwnerRecord, removeStaleOwner, sendToOwner, type AppendRequest } from './owner.js';

export interface AppendOptions {
  /** Lock tuning for the ownerless path. */
  lock?: LockOptions;
  /** How long a live owner may take to answer. Default 10 000 ms. */
  ownerTimeoutMs?: number;
  /** fsync the line on the ownerless path. Default false (same as a live owner's emit). */
  fsync?: boolean;
}

/** How often a hand-over is retried when the owner goes away mid-request. */
const MAX_ATTEMPTS = 20;

function toEvent(value: Record<string, unknown>): AgentLogEvent {
  return value as unknown as AgentLogEvent;
}

/**
 * Appends one event to a session log that another process may own, with a
 * correct, unique `seq` (see the protocol in owner.ts): handed to the live
 * owner if there is one, else appended under the log lock after recovering the
 * last `seq` from the tail. Resolves with the written event once its line is
 * in the file; rejects with ERR_INVALID_EVENT (nothing written) for an
 * invalid event, for a provider or wrapper session id other than the log's
 * (as its lines say), or for a `usage_limit_hit` naming another provider;
 * or with ERR_LOCK_TIMEOUT / ERR_IO. Like zag, the line's source kind is `wrapper` and
 * its completeness `full`.
 */
export async function appendEventToLog(
  logPath: string,
  provider: string,
  wrapperSessionId: string,
  providerSessionId: string | null | undefined,
  event: LogEventInput,
  options: AppendOptions = {},
): Promise<AgentLogEvent> {
  if (typeof provider !== 'string' || provider === '' || typeof wrapperSessionId !== 'string' || wrapperSessionId === '') {
    throw new SessionLogError('ERR_INVALID_EVENT', 'provider and wrapperSessionId must be non-empty strings');
  }
  const kind = normalizeEventInput(event);
  checkLimitProvider(kind, provider);
  const file = path.resolve(logPath);
  const req: AppendRequest = {
    op: 'append',
    provider,
    wrapper_session_id: wrapperSessionId,
    provider_session_id: providerSessionId ?? null,
    event,
  };
  const ownerTimeoutMs = options.ownerTimeoutMs ?? 10_000;
  ensureOwnDir(path.dirname(file));

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const rec = readOwnerRecord(file);
    if (rec) {
      const reply = await sendToOwner(rec, req, ownerTimeoutMs);
      if (reply === 'timeout') {
        throw new SessionLogError('ERR_IO', `the owner of ${file} (pid ${rec.pid}) did not answer in ${ownerTimeoutMs} ms`);
      }
      if (typeof reply === 'object') {
        if (reply.ok) return toEvent(reply.event);
        if (reply.code !== 'ERR_WRITER_CLOSED') {
          const code = reply.code === 'ERR_INVALID_EVENT' ? 'ERR_INVALID_EVENT' : 'ERR_IO';
          throw new SessionLogError(code, `the owner of ${file} refused the event: ${reply.message}`);
        }
      }
      // unreachable, dropped or closing: decide again under the log lock.
    }
    const done = await withFileLock(
      file,
      async (): Promise<AgentLogEvent | null> => {
        const again = readOwnerRecord(file);
        if (again) {
          if ((await probeOwner(again)) === 'live') return null;
          removeStaleOwner(file, again);
        }
        // Never through a planted link; never creates a log in a folder a writer did not make.
        const fd = openOwnFile(file, LOG_APPEND_FLAGS)!;
        try {
          // Checked before anything is written, the torn-tail repair included.
          checkEnvelope(readLogIdentity(fd), provider, wrapperSessionId, file);
          const tail = repairTail(fd);
          let seq = tail.nextSeq;
          let line = '';
          const ts = new Date().toISOString();
          const envelope = (s: number) => ({
            seq: s,
            ts,
            provider,
            wrapper_session_id: wrapperSessionId,
            provider_session_id: providerSessionId ?? null,
            source_kind: 'wrapper' as const,
            completeness: 'full' as const,
          });
          if (tail.warning) line += serializeEvent(envelope(seq++), tail.warning) + '\n';
          const written = eventOf(envelope(seq), kind);
          line += serializeEvent(written, kind) + '\n';
          writeWhole(fd, line);
          if (options.fsync) fs.fdatasyncSync(fd);
          return written;
        } finally {
          fs.closeSync(fd);
        }
      },
      options.lock,
    );
    if (done) return done;
  }
  throw new SessionLogError('ERR_IO', `could not append to ${file}: its owner kept going away`);
}

import { SessionLogError } from '../errors.js';
import { quoteId, unsafeSessionIdReason } from '../schema/safe-id.js';

export { MAX_SESSION_ID_BYTES, isSafeSessionId, unsafeSessionIdReason } from '../schema/safe-id.js';

/** Throws ERR_INVALID_SESSION_ID unless `id` is a safe file name (the one rule: schema/safe-id.ts). */
export function assertSafeSessionId(id: unknown): asserts id is string {
  const reason = unsafeSessionIdReason(id);
  if (reason !== null) {
    throw new SessionLogError('ERR_INVALID_SESSION_ID', `invalid wrapper session id ${quoteId(id)}: ${reason}`);
  }
}

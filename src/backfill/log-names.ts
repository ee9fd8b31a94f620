import { createHash } from 'node:crypto';
import type { BackfilledSession } from '../schema/index.js';

/**
 * Where an imported session comes from: 8 hex digits of a hash of its provider
 * and its first source file. The same on every run for the same file, so it
 * names the same session the same way every time.
 */
export function originOf(provider: string, firstSourcePath: string | undefined): string {
  return createHash('sha256')
    .update(`${provider}\0${firstSourcePath ?? ''}`)
    .digest('hex')
    .slice(0, 8);
}

/** The log name (wrapper session id) and state key of an imported session. */
export interface LogName {
  wrapperSessionId: string;
  key: string;
}

/**
 * Names a session whose id another source already owns (the same session id
 * in two Claude project folders, or from two providers): two sessions never
 * share a log. The first source to claim an id keeps it; any other gets
 * `<id>-<origin>` for its log and `<key>#<origin>` in the state, both derived
 * from its own provider and file, so a rerun finds the same names again and
 * imports nothing. The index then tells them apart by `wrapper_session_id`,
 * `provider` and `source_paths` (its `provider_session_id` stays the
 * provider's own id).
 */
export function nameFor(id: string, key: string, origin: string, owner: string | undefined): LogName {
  if (owner === undefined || owner === origin) return { wrapperSessionId: id, key };
  return { wrapperSessionId: `${id}-${origin}`, key: `${key}#${origin}` };
}

/** `session` under another wrapper session id; everything else, `sourceTimes` included, is the adapter's. */
export function renamed(session: BackfilledSession, wrapperSessionId: string): BackfilledSession {
  if (session.metadata.wrapperSessionId === wrapperSessionId) return session;
  const out: BackfilledSession = {
    metadata: { ...session.metadata, wrapperSessionId },
    completeness: session.completeness,
    sourcePaths: session.sourcePaths,
    events: session.events,
  };
  if (session.sourceTimes) out.sourceTimes = () => session.sourceTimes!();
  return out;
}

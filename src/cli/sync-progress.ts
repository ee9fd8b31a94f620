import type { SyncProgress } from '../postgres/index.js';
import { cliProgress } from '../lazy-deps.js';
import { err, type CliIO } from './io.js';

const MB = 1024 * 1024;

/** A bar on a terminal, a few plain lines otherwise, nothing when quiet. */
export function syncProgressView(io: CliIO, quiet: boolean): { update(p: SyncProgress): void; stop(): void } {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  if (io.stderr.isTTY === true && io.env.TERM !== 'dumb') {
    const { Presets, SingleBar } = cliProgress();
    const bar = new SingleBar(
      {
        stream: io.stderr,
        format: 'sync [{bar}] {percentage}% | {mb}/{totalMb} MB | {sessions} sessions | {events} events sent',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = {
          mb: (p.bytesDone / MB).toFixed(1),
          totalMb: (p.bytesTotal / MB).toFixed(1),
          sessions: `${p.sessionsDone}/${p.sessionsTotal}`,
          events: p.eventsSent,
        };
        if (p.phase === 'scanning') return;
        if (!started) {
          bar.start(Math.max(1, p.bytesTotal), p.bytesDone, payload);
          started = true;
        } else bar.update(p.bytesDone, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let tenth = -1;
  return {
    update(p) {
      if (p.phase === 'sending' && tenth === -1) {
        tenth = 0;
        err(io, `Syncing: ${p.sessionsTotal} sessions with events to send, ${(p.bytesTotal / MB).toFixed(1)} MB`);
      }
      if (p.phase === 'sending' && p.bytesTotal > 0) {
        const now = Math.floor((p.bytesDone / p.bytesTotal) * 10);
        if (now > tenth && now < 10) {
          tenth = now;
          err(io, `  ${now * 10}% (${p.eventsSent} events sent)`);
        }
      }
    },
    stop: () => undefined,
  };
}

import type { BackfillProgress } from '../backfill/index.js';
import { cliProgress } from '../lazy-deps.js';
import { err, type CliIO } from './io.js';

/** Shows how an import is going: a bar on a terminal, a few plain lines otherwise. */
export interface ImportProgressView {
  update(progress: BackfillProgress): void;
  stop(): void;
}

const MB = 1024 * 1024;

/** Picks the view: nothing when `quiet`, a bar when stderr is a terminal, plain lines otherwise. */
export function importProgressView(io: CliIO, quiet: boolean): ImportProgressView {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  return io.stderr.isTTY === true && io.env.TERM !== 'dumb' ? barView(io) : lineView(io);
}

function barView(io: CliIO): ImportProgressView {
  const { Presets, SingleBar } = cliProgress();
  const bar = new SingleBar(
    {
      stream: io.stderr,
      format: '{phase} [{bar}] {percentage}% | {value}/{total} files | {sessions} sessions',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { phase: p.phase.padEnd(9), sessions: p.sessions };
      if (!started) {
        bar.start(Math.max(1, p.filesTotal), p.filesDone, payload);
        started = true;
        return;
      }
      bar.setTotal(Math.max(1, p.filesTotal));
      bar.update(p.phase === 'done' ? p.filesTotal : p.filesDone, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** For logs and pipes: one line per phase, and one per tenth of the import. */
function lineView(io: CliIO): ImportProgressView {
  let phase = '';
  let tenth = -1;
  return {
    update(p) {
      if (p.phase !== phase) {
        phase = p.phase;
        tenth = -1;
        if (p.phase === 'scanning') err(io, 'Scanning agent history…');
        if (p.phase === 'importing') {
          err(io, `Importing: ${p.filesTotal} files, ${(p.bytesTotal / MB).toFixed(1)} MB`);
        }
      }
      if (p.phase === 'importing' && p.filesTotal > 0) {
        const now = Math.floor((p.filesDone / p.filesTotal) * 10);
        if (now > tenth && now < 10) {
          tenth = now;
          if (now > 0) err(io, `  ${now * 10}% (${p.filesDone}/${p.filesTotal} files, ${p.sessions} sessions)`);
        }
      }
    },
    stop: () => undefined,
  };
}

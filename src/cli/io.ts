/** What a command may touch of the process, so the entry point stays the only place that knows `process`. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM, with an `InterruptedError` naming the signal as its reason. */
  signal: AbortSignal;
}

/** The abort reason the entry point gives `CliIO.signal`: which signal stopped the run. */
export class InterruptedError extends Error {
  readonly signalName: 'SIGINT' | 'SIGTERM';

  constructor(signalName: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signalName}`);
    this.name = 'AbortError';
    this.signalName = signalName;
  }
}

/** Exit codes of an interrupted run: 128 + the signal's number (SIGINT 130, SIGTERM 143). */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

export function interruptedExitCode(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  return reason instanceof InterruptedError && reason.signalName === 'SIGTERM' ? EXIT_SIGTERM : EXIT_SIGINT;
}

/** Writes one line to stdout. */
export function out(io: CliIO, line = ''): void {
  io.stdout.write(`${line}\n`);
}

/** Writes one line to stderr. */
export function err(io: CliIO, line: string): void {
  io.stderr.write(`${line}\n`);
}

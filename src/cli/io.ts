/** What a command may touch of the process, so the entry point stays the only place that knows `process`. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** Writes one line to stdout. */
export function out(io: CliIO, line = ''): void {
  io.stdout.write(`${line}\n`);
}

/** Writes one line to stderr. */
export function err(io: CliIO, line: string): void {
  io.stderr.write(`${line}\n`);
}

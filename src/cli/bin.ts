#!/usr/bin/env node
/** The `agent-session-log` executable: wires the process to `main`. */
import { InterruptedError } from './io.js';
import { main } from './main.js';

const controller = new AbortController();
let interrupts = 0;
const onSignal = (name: 'SIGINT' | 'SIGTERM'): void => {
  // First Ctrl-C: stop cleanly (import records what it wrote), then exit 130 (143 for SIGTERM). Second: leave now.
  interrupts++;
  if (interrupts > 1) process.exit(name === 'SIGTERM' ? 143 : 130);
  controller.abort(new InterruptedError(name));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A closed pipe (`| head`) is a normal way for a reader to stop listening.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);

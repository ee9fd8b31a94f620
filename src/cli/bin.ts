#!/usr/bin/env node
/** The `agent-session-log` executable: wires the process to `main`. */
import { packageVersion } from './version.js';

// `--version` alone is answered before any command (and the library behind them) is loaded:
// scripts call it to probe the install, and it should cost no more than Node's own start.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${packageVersion()}\n`);
} else {
  process.exitCode = await run(argv);
}

async function run(args: string[]): Promise<number> {
  const [{ InterruptedError }, { main }] = await Promise.all([import('./io.js'), import('./main.js')]);
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

  try {
    return await main(args, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

import { spawn } from 'node:child_process';
import type { SessionStreamItem } from '../../subscribe/index.js';
import { flagOpt, type CommandSpec } from '../command.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { eventJson } from '../format-event.js';
import { err, type CliIO } from '../io.js';
import { openStream, STREAM_OPTIONS } from '../stream-options.js';

export const watchCommand: CommandSpec = {
  name: 'watch',
  summary: 'run a command for each matching event, the event as JSON on its stdin',
  description: [
    'Subscribes like `subscribe` and runs <command> with the shell (sh -c) for each matching',
    'event, one at a time in the order they arrive. The event is the command\'s stdin (its log',
    'line), and the variables ASL_SESSION_ID, ASL_PROVIDER, ASL_EVENT_TYPE, ASL_SEQ and',
    'ASL_LOG_PATH describe it. A command that fails is reported on stderr and watching goes on.',
    'With --once it stops after the first matching event and exits with 0 if the command',
    'succeeded, else 1.',
  ].join('\n'),
  positionals: [{ name: '<command>', description: 'shell command to run for each event' }],
  options: {
    ...STREAM_OPTIONS,
    once: { type: 'boolean', description: 'exit after the first matching event' },
  },
  examples: [
    "agent-session-log watch --type session_ended 'notify-send \"session $ASL_SESSION_ID ended\"'",
    "agent-session-log watch --once --type tool_call 'jq -r .tool_name'",
  ],
  async run(io: CliIO, args) {
    const command = args.positionals[0]!;
    const once = flagOpt(args, 'once');
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    io.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const sub = openStream(io, args, 'watch', stop.signal);
      await sub.ready;
      err(io, `Watching every session for '${command}' (Ctrl-C to stop)`);
      for await (const item of sub) {
        const code = await runFor(io, command, item);
        if (code !== 0) err(io, `watch: '${command}' exited with ${code} for ${item.session.id} seq ${item.event.seq}`);
        if (once) return code === 0 ? EXIT_OK : EXIT_FAILURE;
      }
      return EXIT_OK;
    } finally {
      io.signal.removeEventListener('abort', onAbort);
    }
  },
};

/** Runs the command for one event and resolves with its exit code (128 + n when killed by signal n). */
function runFor(io: CliIO, command: string, { session, event }: SessionStreamItem): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, {
      shell: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...io.env,
        ASL_SESSION_ID: session.id,
        ASL_PROVIDER: event.provider,
        ASL_EVENT_TYPE: event.type,
        ASL_SEQ: String(event.seq),
        ASL_LOG_PATH: session.logPath,
      },
    });
    child.stdout.on('data', (d: Buffer) => io.stdout.write(d));
    child.stderr.on('data', (d: Buffer) => io.stderr.write(d));
    // A command that does not read its stdin closes it early: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${eventJson(event)}\n`);
    child.on('error', (e) => {
      err(io, `watch: cannot run '${command}': ${e.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : signal === 'SIGKILL' ? 9 : 1;
}

import { mkdir } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { writeFileAtomic } from '../../lazy-deps.js';
import { exportSession, TRANSCRIPT_FORMATS, type TranscriptFormat } from '../../transcript/index.js';
import { choiceOpt } from '../choices.js';
import { stringOpt, type CommandSpec } from '../command.js';
import { inert } from '../inert.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { findSession } from '../find-session.js';
import { out, type CliIO } from '../io.js';
import { locate } from '../options.js';
import { ID_ARGUMENT } from './show.js';

/** The format a file name asks for (`.html`, `.md`), when --format is not given. */
function formatOfFile(path: string | undefined): TranscriptFormat | undefined {
  const ext = path ? extname(path).toLowerCase() : '';
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  return undefined;
}

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'write one session as a readable Markdown or HTML file',
  description: [
    'Writes one session as a transcript: the conversation, each tool call with its result and',
    'duration, reasoning, and a timeline of the tool calls. HTML is one self-contained page',
    '(inline CSS, no script, nothing fetched); all agent text is escaped.',
    'Without --output the transcript goes to stdout.',
  ].join('\n'),
  positionals: [ID_ARGUMENT],
  options: {
    format: {
      type: 'string',
      value: 'markdown|html',
      description: "the transcript's format (default: from --output's extension, else markdown)",
    },
    output: { type: 'string', short: 'o', value: 'file', description: 'write to this file instead of stdout' },
    'time-zone': { type: 'string', value: 'zone', description: 'IANA time zone for the times shown (default: UTC)' },
  },
  examples: [
    'agent-session-log export 2190bd69 --format html --output session.html',
    'agent-session-log export 2190bd69 > session.md',
  ],
  async run(io: CliIO, args) {
    const output = stringOpt(args, 'output');
    const format = choiceOpt(args, 'format', TRANSCRIPT_FORMATS, 'export') ?? formatOfFile(output) ?? 'markdown';
    const timeZone = stringOpt(args, 'time-zone') ?? 'UTC';
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
    } catch {
      throw new UsageError(`unknown time zone '${timeZone}' (an IANA name such as Europe/Paris, or UTC)`, 'export');
    }
    const loc = locate(io, args);
    const session = await findSession(loc, args.positionals[0]!);
    const text = await exportSession(session.logPath, { format, timeZone, signal: io.signal });
    if (output === undefined) {
      // Printed, maybe on a terminal: agent output's control characters are shown, never sent (inert.ts).
      io.stdout.write(inert(text, { keepLayout: true }));
      return EXIT_OK;
    }
    // Atomic: an interrupted export never leaves half a page behind.
    const path = resolve(io.cwd, output);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic()(path, text);
    out(io, `Wrote ${path} (${format}, ${Buffer.byteLength(text)} bytes).`);
    return EXIT_OK;
  },
};

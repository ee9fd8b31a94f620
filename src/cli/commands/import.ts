import { choicesOpt } from '../choices.js';
import { flagOpt, type CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { inert } from '../inert.js';
import { err, out, type CliIO } from '../io.js';
import { locate } from '../options.js';
import { importProgressView } from '../progress.js';

/** Skipped files named one by one in the closing summary; `--json` has them all. */
const MAX_SKIPPED_SHOWN = 20;

export const importCommand: CommandSpec = {
  name: 'import',
  summary: "import the agents' session history into session logs",
  description: [
    "Reads the agents' own history (~/.claude, ~/.codex, ~/.gemini, ~/.copilot) and writes one",
    'session log per session into <logs-dir>/sessions, with index.json. Safe to run again:',
    'only sessions that are new or have grown since the last run are imported. In a git',
    "repository, or with --root, that project's sessions go to its logs folder; with",
    "--logs-dir (or outside any repository), every project's sessions are imported.",
    'Sessions that fail are listed on stderr and tried again by the next run; files in an',
    "agent's folder that hold no session it can read are listed on stderr as skipped.",
  ].join('\n'),
  positionals: [],
  options: {
    provider: {
      type: 'string',
      value: 'list',
      multiple: true,
      description: 'only these providers: claude,codex,gemini,copilot (default: all)',
    },
    json: { type: 'boolean', description: 'print a JSON summary (no progress output)' },
  },
  examples: [
    'agent-session-log import',
    'agent-session-log import --provider claude,codex --logs-dir ./logs --json',
  ],
  async run(io: CliIO, args) {
    const loc = locate(io, args);
    const json = flagOpt(args, 'json');
    // Loaded here, not at the top: the four providers' parsers are only needed by this command,
    // and the other commands (and --help) should start fast.
    const [{ runBackfill }, { defaultHistoricalAdapters }] = await Promise.all([
      import('../../backfill/index.js'),
      import('../../providers/registry.js'),
    ]);
    const all = defaultHistoricalAdapters(loc.home !== undefined ? { home: loc.home } : {});
    const wanted = choicesOpt(args, 'provider', all.map((a) => a.provider), 'import');
    const adapters = wanted ? all.filter((a) => wanted.includes(a.provider)) : all;
    const view = importProgressView(io, json);
    let result;
    try {
      result = await runBackfill(loc.logsDir, loc.root, adapters, {
        onProgress: (p) => view.update(p),
        signal: io.signal,
        globalIndexDir: loc.globalIndexDir,
      });
    } finally {
      view.stop();
    }
    if (json) {
      out(io, JSON.stringify({ logs_dir: loc.logsDir, ...result }, null, 2));
      return EXIT_OK;
    }
    for (const f of result.failed) err(io, inert(`warning: could not import ${f.key}: ${f.error.replace(/\s*\n\s*/g, ' ')}`));
    const shown = result.skippedFiles.slice(0, MAX_SKIPPED_SHOWN);
    for (const f of shown) err(io, inert(`note: skipped ${f.path}: ${f.reason}`));
    const hidden = result.skippedFiles.length - shown.length;
    if (hidden > 0) err(io, `note: ... and ${hidden} more skipped files (--json lists them all)`);
    const failed = result.failed.length > 0 ? `, ${result.failed.length} failed` : '';
    const files = result.skippedFiles.length;
    const skippedFiles = files > 0 ? `, ${files} ${files === 1 ? 'file' : 'files'} skipped` : '';
    out(io, `Imported ${result.imported} sessions, ${result.skipped} unchanged${failed}${skippedFiles}, into ${loc.logsDir}`);
    return EXIT_OK;
  },
};

#!/usr/bin/env node
// `npm run demo`: builds the package, then shows what it does, end to end:
//   1. imports the bundled sample history of all four agents (test/fixtures) into ./demo-logs;
//   2. records a simulated live Claude Code session through a SessionLogCoordinator with the
//      Claude live adapter, while a child process writes the agent's file line by line,
//      printing each event as it is logged;
//   3. prints `agent-session-log list` and `show` for the logs it wrote.
// Nothing outside ./demo-logs and a temp folder is touched (fake homes, never yours).
//
//   node scripts/demo.mjs [--out DIR] [--no-build] [--ms-per-line N]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildFixtureHome, FIXTURES } from './fixture-home.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'demo-logs' },
    'no-build': { type: 'boolean', default: false },
    'ms-per-line': { type: 'string', default: '100' },
  },
});
const out = resolve(values.out);
const msPerLine = Number(values['ms-per-line']);

/** The sample the simulated agent writes: a real Claude Code 2.1 run (thinking, parallel tools, a failing command). */
const LIVE_SESSION_ID = 'e7bd502c-7d33-43d5-aafa-1348e82fa678';
const LIVE_PROJECT = '/tmp/realcli/claude/project';
const LIVE_SOURCE = join(
  FIXTURES,
  'claude/real/print-multi-tool/.claude/projects/-tmp-realcli-claude-project',
  `${LIVE_SESSION_ID}.jsonl`,
);

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\u001b[1m${s}\u001b[22m` : s);
const step = (n, text) => console.log(`\n${bold(`── ${n}. ${text}`)}\n`);

/** Runs the built CLI, its output going straight to ours. */
function cli(...args) {
  execFileSync(process.execPath, [BIN, ...args], { stdio: 'inherit', env: { ...process.env, ZAG_USER_LOG_DIR: '' } });
}

/** Refuses to wipe a folder that is not a logs folder from an earlier demo. */
async function resetOut() {
  const known = new Set(['sessions', 'index.json', 'backfill_state.json', 'backfill.lock', 'index.json.lock']);
  const entries = await readdir(out).catch(() => null);
  if (entries === null) return;
  const strange = entries.filter((e) => !known.has(e) && !e.includes('corrupt') && !e.endsWith('.lock'));
  if (strange.length > 0) {
    throw new Error(`${out} exists and holds ${strange[0]}: not a demo logs folder, choose another --out`);
  }
  await rm(out, { recursive: true, force: true });
}

async function main() {
  if (!values['no-build']) {
    step(0, 'Building the package (npm run build)');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  }
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build`);
  const lib = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const providers = await import(pathToFileURL(join(ROOT, 'dist', 'providers', 'index.js')).href);
  const { formatEventLine } = await import(pathToFileURL(join(ROOT, 'dist', 'cli', 'format-event.js')).href);
  const { painter } = await import(pathToFileURL(join(ROOT, 'dist', 'cli', 'style.js')).href);
  const paint = painter(Boolean(color));

  await resetOut();
  const tmp = await mkdtemp(join(tmpdir(), 'agent-session-log-demo-'));
  try {
    // 1. History.
    step(1, `Importing the sample history of Claude Code, Codex, Gemini CLI and Copilot CLI into ${rel(out)}`);
    const historyHome = join(tmp, 'history-home');
    await buildFixtureHome(historyHome);
    console.log(`(a fake home built from ${rel(FIXTURES)}: ${historyHome})\n`);
    cli('import', '--home', historyHome, '--logs-dir', out);

    // 2. A live session.
    step(2, 'Recording a live Claude Code session while the agent writes its file');
    const liveHome = join(tmp, 'live-home');
    const agentFile = join(liveHome, '.claude', 'projects', LIVE_PROJECT.replace(/[^A-Za-z0-9]/g, '-'), basename(LIVE_SOURCE));
    const startedAt = new Date();
    const liveAdapter = providers.liveAdapterForProvider(
      'claude',
      { startedAt, workspacePath: LIVE_PROJECT, providerSessionId: LIVE_SESSION_ID, home: liveHome },
      true,
    );
    const coordinator = await lib.SessionLogCoordinator.start(
      out,
      { provider: 'claude', wrapperSessionId: `demo-live-${startedAt.getTime()}`, command: 'run', workspacePath: LIVE_PROJECT },
      {
        liveAdapter,
        pollIntervalMs: 100,
        heartbeatIntervalMs: 2_000,
        onLogEvent: (ev) => console.log(formatEventLine(ev, paint, process.stdout.columns ?? 120)),
      },
    );
    const agent = spawn(process.execPath, [join(ROOT, 'scripts', 'demo-agent.mjs'), LIVE_SOURCE, agentFile, String(msPerLine)], {
      stdio: 'inherit',
    });
    const code = await new Promise((done, fail) => {
      agent.on('error', fail);
      agent.on('exit', done);
    });
    if (code !== 0) throw new Error(`the simulated agent exited with ${code}`);
    await coordinator.finish(true);
    const liveId = coordinator.writer.logPath ? basename(coordinator.writer.logPath, '.jsonl') : undefined;

    // 3. What is on disk.
    step(3, `agent-session-log list --logs-dir ${rel(out)}`);
    cli('list', '--logs-dir', out, '--home', tmp);
    step(4, `agent-session-log show ${liveId} --logs-dir ${rel(out)}`);
    cli('show', liveId, '--logs-dir', out, '--home', tmp);
    step(5, `agent-session-log show ${LIVE_SESSION_ID.slice(0, 8)} --type tool_call,tool_result  (the same session, imported)`);
    cli('show', LIVE_SESSION_ID.slice(0, 8), '--type', 'tool_call,tool_result', '--logs-dir', out, '--home', tmp);

    console.log(`\nThe logs are in ${rel(out)}/ (one JSONL file per session in sessions/, plus index.json).`);
    console.log(`Try: npx agent-session-log show ${liveId} --logs-dir ${rel(out)} --json`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function rel(p) {
  const r = relative(process.cwd(), p);
  return r === '' ? '.' : r.startsWith('..') ? p : `./${r}`;
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

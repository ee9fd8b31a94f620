import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeHistoricalLogAdapter, runBackfill, usageReport, type UsageReportRow } from '../../src/index.js';
import { ROOT } from '../helpers/dist.js';
import { FIXTURES, OLD_LAYOUT, importFixtureHistory, type ImportedHistory } from './helpers.js';

/**
 * The token totals of `usage --by session` against ccusage's (the pinned
 * devDependency) on the same Claude history: every fixture home, imported by
 * runBackfill. Each difference is one the README's table explains, and is
 * asserted here as that difference, so a new one fails the test.
 */

interface CcusageSession {
  sessionId: string;
  projectPath: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

const CLAUDE = join(FIXTURES, 'claude');
const configDirs = (): string[] => [
  CLAUDE,
  ...readdirSync(join(CLAUDE, 'real'))
    .filter((r) => r !== OLD_LAYOUT)
    .sort()
    .map((r) => join(CLAUDE, 'real', r, '.claude')),
];

let history: ImportedHistory;
let ours: Map<string, UsageReportRow>;
let theirs: CcusageSession[];

beforeAll(async () => {
  history = await importFixtureHistory();
  const report = await usageReport({ logsDir: history.logs, groupBy: 'session', timeZone: 'UTC' });
  ours = new Map(report.rows.map((r) => [r.session!.provider_session_id ?? r.key, r]));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules', 'ccusage', 'src', 'cli.js'), 'claude', 'session', '--json', '--offline'],
    // ccusage reads several Claude folders from one comma-separated CLAUDE_CONFIG_DIR.
    { env: { ...process.env, CLAUDE_CONFIG_DIR: configDirs().join(','), HOME: history.tmp, TZ: 'UTC', NO_COLOR: '1' }, maxBuffer: 1 << 24 },
  );
  theirs = (JSON.parse(stdout) as { sessions: CcusageSession[] }).sessions;
}, 300_000);
afterAll(async () => {
  await history?.cleanup();
});

const tokens = (r: { input: number; output: number; cacheRead: number; cacheCreation: number }) => r;
const ofOurs = (r: UsageReportRow) =>
  tokens({ input: r.input_tokens, output: r.output_tokens, cacheRead: r.cache_read_tokens, cacheCreation: r.cache_creation_tokens });
const ofTheirs = (s: CcusageSession) =>
  tokens({ input: s.inputTokens, output: s.outputTokens, cacheRead: s.cacheReadTokens, cacheCreation: s.cacheCreationTokens });

/** The session a sub-agent file (`agent-<id>.jsonl`) belongs to: its records' sessionId. */
function parentOf(s: CcusageSession): string {
  const file = join(CLAUDE, 'projects', s.projectPath, `${s.sessionId}.jsonl`);
  return (JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as { sessionId: string }).sessionId;
}

/** Every assistant usage in a session file has a `cache_creation` breakdown that adds up to 0. */
function breakdownsAreZero(sessionId: string): { zero: boolean; total: number } {
  const dir = readdirSync(join(CLAUDE, 'projects')).find((d) => readdirSync(join(CLAUDE, 'projects', d)).includes(`${sessionId}.jsonl`))!;
  let zero = true;
  let total = 0;
  for (const line of readFileSync(join(CLAUDE, 'projects', dir, `${sessionId}.jsonl`), 'utf8').split('\n')) {
    if (!line.includes('"usage"')) continue;
    const usage = (JSON.parse(line) as { message?: { usage?: Record<string, unknown> } }).message?.usage;
    if (!usage) continue;
    const b = usage.cache_creation as Record<string, number> | undefined;
    if (!b || (b.ephemeral_5m_input_tokens ?? 0) + (b.ephemeral_1h_input_tokens ?? 0) !== 0) zero = false;
    total += Number(usage.cache_creation_input_tokens ?? 0);
  }
  return { zero, total };
}

describe('token totals per session, against ccusage 20.0.24', () => {
  it('match for every session of the real CLI runs', () => {
    const real = theirs.filter((s) => s.projectPath.startsWith('-tmp-realcli'));
    // Six runs, and the resumed run (one session: current Claude Code appends a resume to its file).
    expect(real.length).toBe(7);
    for (const s of real) expect(ofOurs(ours.get(s.sessionId)!), s.sessionId).toEqual(ofTheirs(s));
  });

  it('differ only as explained: sub-agent files are folded into their session', () => {
    const agents = theirs.filter((s) => s.sessionId.startsWith('agent-'));
    expect(agents.map((a) => a.sessionId).sort()).toEqual(['agent-36541525', 'agent-50243ee8']);
    for (const a of agents) expect(ours.has(a.sessionId)).toBe(false);
    const parent = '4c2ddfdc-b619-4525-8d03-1950fb1b0257';
    expect(agents.every((a) => parentOf(a) === parent)).toBe(true);
    const summed = [theirs.find((s) => s.sessionId === parent)!, ...agents].map(ofTheirs).reduce((x, y) => ({
      input: x.input + y.input,
      output: x.output + y.output,
      cacheRead: x.cacheRead + y.cacheRead,
      cacheCreation: x.cacheCreation + y.cacheCreation,
    }));
    expect(ofOurs(ours.get(parent)!)).toEqual(summed);
  });

  it("differ only as explained: ccusage takes cache writes from the `cache_creation` breakdown, we from Anthropic's total", () => {
    const differing = theirs.filter((s) => !s.sessionId.startsWith('agent-') && ours.get(s.sessionId)!.cache_creation_tokens !== s.cacheCreationTokens);
    // The parent whose sub-agents are folded in differs for that reason (previous test); the others are these.
    const rest = differing.filter((s) => s.sessionId !== '4c2ddfdc-b619-4525-8d03-1950fb1b0257').map((s) => s.sessionId).sort();
    expect(rest).toEqual(['2190bd69-f000-410d-94eb-16fa78cd919f', 'acbcaeec-53a3-497b-b9ea-09bf1d282432', 'd9235f7e-704a-4ba2-b2c6-07d396a125ba']);
    for (const id of rest) {
      const s = theirs.find((x) => x.sessionId === id)!;
      const file = breakdownsAreZero(id);
      // Hand-made fixture records whose breakdown (all zero) contradicts their total.
      expect(file.zero, id).toBe(true);
      expect(s.cacheCreationTokens).toBe(0);
      expect(ours.get(id)!.cache_creation_tokens).toBeGreaterThan(0);
      expect(ours.get(id)!.cache_creation_tokens).toBeLessThanOrEqual(file.total);
      // Everything else agrees.
      expect({ ...ofOurs(ours.get(id)!), cacheCreation: 0 }).toEqual(ofTheirs(s));
    }
  });

  it('covers the same sessions: nothing is missing on either side', () => {
    const theirIds = new Set(theirs.filter((s) => !s.sessionId.startsWith('agent-')).map((s) => s.sessionId));
    const ourIds = new Set([...ours.values()].filter((r) => r.total_tokens > 0).map((r) => r.session!.provider_session_id));
    expect([...ourIds].sort()).toEqual([...theirIds].sort());
  });

  it("a resume in a new file (older Claude Code): each record counted once, in the session it first appeared in; the sum equals ccusage's", async () => {
    const home = join(CLAUDE, 'real', OLD_LAYOUT);
    const logs = join(history.tmp, 'old-layout-logs');
    await runBackfill(logs, null, [new ClaudeHistoricalLogAdapter({ home })]);
    const rows = (await usageReport({ logsDir: logs, groupBy: 'session', timeZone: 'UTC' })).rows;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules', 'ccusage', 'src', 'cli.js'), 'claude', 'session', '--json', '--offline'],
      { env: { ...process.env, CLAUDE_CONFIG_DIR: join(home, '.claude'), HOME: history.tmp, TZ: 'UTC', NO_COLOR: '1' } },
    );
    const cc = (JSON.parse(stdout) as { sessions: CcusageSession[] }).sessions;
    // ccusage counts each message once too, but under the first file it reads (the resuming one);
    // we count it under the session it first appeared in, the earlier one. The totals agree.
    expect(rows).toHaveLength(2);
    const sum = (xs: Array<ReturnType<typeof tokens>>) =>
      xs.reduce((x, y) => ({ input: x.input + y.input, output: x.output + y.output, cacheRead: x.cacheRead + y.cacheRead, cacheCreation: x.cacheCreation + y.cacheCreation }));
    expect(sum(rows.map(ofOurs))).toEqual(sum(cc.map(ofTheirs)));
    const earlier = rows.find((r) => r.session!.provider_session_id === '8075e106-cdf6-4806-ab43-6e34451fb941')!;
    expect(earlier.output_tokens).toBeGreaterThan(0);
  });
});

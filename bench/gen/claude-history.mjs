// Generates a Claude Code history (`<home>/.claude/projects/<cwd>/<sessionId>.jsonl`)
// for the backfill benchmarks. Records follow the Claude Code 2.1.x layout seen in
// the fixtures: one line per record, assistant messages split one content block per
// line (same message id), tool results as user records, plus the bookkeeping records
// (attachment, last-prompt, …) that the parser reads and drops.
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** Deterministic pseudo-random numbers (mulberry32), so that runs are comparable. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'the file function test build error value list read write module import export async await return config path index session event tool result'.split(' ');

/** 1 MiB of word salad to cut text from: generating 1 GB word by word would dominate the bench. */
const POOL = (() => {
  const rand = rng(42);
  const parts = [];
  let n = 0;
  while (n < 1 << 20) {
    const w = WORDS[Math.floor(rand() * WORDS.length)] + (rand() < 0.1 ? '\n' : ' ');
    parts.push(w);
    n += w.length;
  }
  return parts.join('');
})();

function text(rand, bytes) {
  let out = '';
  while (out.length < bytes) {
    const start = Math.floor(rand() * (POOL.length - 4096));
    out += POOL.slice(start, start + Math.min(4096, bytes - out.length));
  }
  return out;
}

function uuid(rand) {
  const h = () => Math.floor(rand() * 0x10000).toString(16).padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

/**
 * One session's lines, written through `write(line)`. A turn is: prompt, assistant
 * text, tool_use, tool_result, assistant text (5 log events), with an attachment
 * and a last-prompt record around it that produce no event. `outputBytes` sets the
 * size of each tool output (the bulk of real histories).
 */
function writeSession(write, { sessionId, cwd, turns, outputBytes, seed }) {
  const rand = rng(seed);
  let t = Date.parse('2026-11-01T09:00:00.000Z') + seed * 1000;
  const ts = () => new Date((t += 1 + Math.floor(rand() * 900))).toISOString();
  const base = { isSidechain: false, userType: 'external', entrypoint: 'cli', cwd, sessionId, version: '2.1.332', gitBranch: 'main' };
  let parent = null;
  const rec = (type, fields) => {
    const uuidv = uuid(rand);
    const line = JSON.stringify({ parentUuid: parent, ...base, type, ...fields, uuid: uuidv, timestamp: ts() });
    parent = uuidv;
    write(line);
  };
  const usage = () => ({ input_tokens: 1000 + Math.floor(rand() * 5000), cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 10 + Math.floor(rand() * 500), service_tier: 'standard' });
  for (let turn = 0; turn < turns; turn++) {
    const prompt = text(rand, 40 + Math.floor(rand() * 200));
    rec('user', { promptId: uuid(rand), message: { role: 'user', content: prompt }, permissionMode: 'default' });
    rec('attachment', { attachment: { type: 'date', date: '2026-11-01' } });
    const msgId = `msg_${uuid(rand).replace(/-/g, '')}`;
    const toolId = `toolu_${uuid(rand).replace(/-/g, '')}`;
    const u = usage();
    const asst = (content) => rec('assistant', { message: { id: msgId, type: 'message', role: 'assistant', model: 'claude-opus-5-5', content, stop_reason: 'tool_use', stop_sequence: null, usage: u }, requestId: `req_${seed}_${turn}` });
    asst([{ type: 'text', text: text(rand, 80 + Math.floor(rand() * 400)) }]);
    asst([{ type: 'tool_use', id: toolId, name: 'Bash', input: { command: `ls -la src/${turn}`, description: 'List files' } }]);
    const out = text(rand, outputBytes);
    rec('user', {
      message: { role: 'user', content: [{ tool_use_id: toolId, type: 'tool_result', content: out, is_error: false }] },
      toolUseResult: { stdout: out, stderr: '', interrupted: false, isImage: false },
    });
    const msg2 = `msg_${uuid(rand).replace(/-/g, '')}`;
    rec('assistant', { message: { id: msg2, type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [{ type: 'text', text: text(rand, 80 + Math.floor(rand() * 600)) }], stop_reason: 'end_turn', stop_sequence: null, usage: usage() }, requestId: `req_${seed}_${turn}b` });
    write(JSON.stringify({ type: 'last-prompt', lastPrompt: prompt.slice(0, 50), leafUuid: parent, sessionId }));
  }
}

/**
 * Writes `sessions` Claude session files under `<home>/.claude/projects/`, spread
 * over 10 project folders. Each has `turns` turns with tool outputs of
 * `outputBytes`. Returns the session ids and the bytes written.
 */
export function generateClaudeHistory(home, { sessions, turns, outputBytes = 200, seed = 1, firstIndex = 0 }) {
  const projects = join(home, '.claude', 'projects');
  let bytes = 0;
  const ids = [];
  for (let i = firstIndex; i < firstIndex + sessions; i++) {
    const cwd = `/work/bench-project-${i % 10}`;
    const dir = join(projects, cwd.replace(/[^A-Za-z0-9]/g, '-'));
    mkdirSync(dir, { recursive: true });
    const rand = rng(seed * 7919 + i);
    const sessionId = uuid(rand);
    ids.push(sessionId);
    const fd = openSync(join(dir, `${sessionId}.jsonl`), 'w');
    let buf = '';
    const write = (line) => {
      buf += line + '\n';
      if (buf.length > 1 << 20) {
        bytes += writeSync(fd, buf);
        buf = '';
      }
    };
    writeSession(write, { sessionId, cwd, turns, outputBytes, seed: seed * 100003 + i });
    if (buf) bytes += writeSync(fd, buf);
    closeSync(fd);
  }
  return { ids, bytes };
}

/** Bytes one session of these parameters takes, measured by writing it to nowhere. */
export function sessionBytes({ turns, outputBytes }) {
  let n = 0;
  writeSession((line) => (n += Buffer.byteLength(line) + 1), { sessionId: uuid(rng(1)), cwd: '/work/bench-project-0', turns, outputBytes, seed: 1 });
  return n;
}

// Generates normalized session logs (`<logsDir>/sessions/<id>.jsonl`, the wire
// format) for the cross-session benchmarks: prompts, answers, reasoning, shell
// tool calls and results, and one usage event per answer, in the proportions of
// real sessions. Deterministic. Every 1000th shell command is `rm -rf build`,
// the needle the search bench looks for.
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const WORDS = 'the file function test build error value list read write module import export async await return config path index session event tool result'.split(' ');
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
const words = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
const POOL = words(200_000);
const text = (bytes) => {
  const start = Math.floor(rand() * (POOL.length - bytes - 1));
  return POOL.slice(start, start + bytes);
};

/** Writes sessions until `totalBytes`; returns { files, bytes, lines }. */
export function generateSessionLogs(logsDir, totalBytes, sessionBytes = 8 << 20) {
  const dir = join(logsDir, 'sessions');
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  let lines = 0;
  let calls = 0;
  const files = [];
  for (let s = 0; bytes < totalBytes; s++) {
    const id = `bench-${String(s).padStart(5, '0')}`;
    const path = join(dir, `${id}.jsonl`);
    files.push(path);
    const fd = openSync(path, 'w');
    let seq = 0;
    let t = Date.UTC(2026, 10, 1) + s * 3600e3;
    let size = 0;
    const buf = [];
    const emit = (type, fields) => {
      seq++;
      t += 1500;
      const line = `{"seq":${seq},"ts":"${new Date(t).toISOString()}","provider":"claude","wrapper_session_id":"${id}","provider_session_id":null,"source_kind":"backfill","completeness":"full","type":"${type}",${fields}}\n`;
      buf.push(line);
      size += line.length;
      lines++;
    };
    emit('session_started', '"command":"backfill","model":"claude-sonnet-4-5-20250929","cwd":"/w","resumed":false,"backfilled":true');
    while (size < sessionBytes && bytes + size < totalBytes) {
      emit('user_message', `"role":"user","content":${JSON.stringify(text(200))},"message_id":null`);
      emit('reasoning', `"content":${JSON.stringify(text(400))},"message_id":null`);
      const cmd = ++calls % 1000 === 0 ? 'rm -rf build' : `ls ${text(20)}`;
      emit('tool_call', `"tool_name":"Bash","tool_kind":"shell","tool_id":"t${seq}","input":{"command":${JSON.stringify(cmd)}}`);
      emit('tool_result', `"tool_name":"Bash","tool_kind":"shell","tool_id":"t${seq - 1}","success":true,"output":${JSON.stringify(text(1500))},"error":null,"data":null`);
      emit('assistant_message', `"content":${JSON.stringify(text(600))},"message_id":null`);
      emit('usage', `"input_tokens":${seq},"output_tokens":${2 * seq},"cache_read_tokens":1000,"cache_creation_tokens":10,"model":"claude-sonnet-4-5-20250929"`);
      if (buf.length > 2000) writeSync(fd, buf.splice(0).join(''));
    }
    emit('session_ended', '"success":true,"error":null');
    writeSync(fd, buf.splice(0).join(''));
    closeSync(fd);
    bytes += size;
  }
  return { files, bytes, lines };
}

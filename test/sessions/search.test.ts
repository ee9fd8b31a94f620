import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isSessionLogError,
  searchSessionLogs,
  type SessionSearchMatch,
  type SessionSearchQuery,
  type SessionSource,
} from '../../src/index.js';
import { importFixtureHistory, writeSession, type ImportedHistory } from './helpers.js';

let history: ImportedHistory;
let scratch: string;

async function all(query: SessionSearchQuery, options: Parameters<typeof searchSessionLogs>[1]): Promise<SessionSearchMatch[]> {
  const out: SessionSearchMatch[] = [];
  for await (const m of searchSessionLogs(query, options)) out.push(m);
  return out;
}

beforeAll(async () => {
  history = await importFixtureHistory({ codex: true });
  scratch = await mkdtemp(join(tmpdir(), 'asl-search-'));
}, 300_000);
afterAll(async () => {
  await history?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('searchSessionLogs over the imported fixtures', () => {
  it('finds the shell commands that ran, case-insensitively by default, with their session', async () => {
    const hits = await all({ text: 'LS', toolKind: 'shell', types: ['tool_call'] }, { logsDir: history.logs });
    expect(hits.length).toBeGreaterThan(0);
    for (const { session, event } of hits) {
      expect(event.type).toBe('tool_call');
      expect(event.type === 'tool_call' && event.tool_kind).toBe('shell');
      expect(JSON.stringify(event).toLowerCase()).toContain('ls');
      expect(session.log_path).toContain(session.wrapper_session_id);
    }
    const sensitive = await all({ text: 'LS', caseSensitive: true, toolKind: 'shell', types: ['tool_call'] }, { logsDir: history.logs });
    expect(sensitive.length).toBeLessThan(hits.length);
  });

  it('filters by provider, role, tool name and session prefix', async () => {
    const codex = await all({ provider: 'codex' }, { logsDir: history.logs });
    expect(codex.length).toBeGreaterThan(0);
    expect(new Set(codex.map((m) => m.event.provider))).toEqual(new Set(['codex']));
    const prompts = await all({ role: 'user' }, { logsDir: history.logs });
    expect(prompts.every((m) => m.event.type === 'user_message' && m.event.role === 'user')).toBe(true);
    const answers = await all({ role: 'assistant', provider: 'claude' }, { logsDir: history.logs });
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((m) => m.event.type === 'assistant_message')).toBe(true);
    const writes = await all({ toolName: 'write' }, { logsDir: history.logs });
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((m) => (m.event.type === 'tool_call' || m.event.type === 'tool_result') && m.event.tool_name === 'Write')).toBe(true);
    const one = await all({ session: '9eda10' }, { logsDir: history.logs });
    expect(new Set(one.map((m) => m.session.wrapper_session_id))).toEqual(new Set(['9eda1058-9706-484a-b992-d03f9cfa2546']));
  });

  it('searches every project through the global index', async () => {
    const other = join(history.home, '.zag', 'projects', 'other-project', 'logs');
    await writeSession(other, 'elsewhere-1', 'gemini', [[{ type: 'user_message', role: 'user', content: 'zebra crossing' }, '2026-11-01T10:00:00.000Z']], {
      globalIndexDir: join(history.home, '.zag'),
    });
    expect(await all({ text: 'zebra' }, { logsDir: history.logs })).toEqual([]);
    const everywhere = await all({ text: 'zebra' }, { allProjects: true, home: history.home });
    expect(everywhere.map((m) => [m.session.wrapper_session_id, m.session.project])).toEqual([['elsewhere-1', 'other-project']]);
    // The fixture project's sessions are in scope too.
    expect((await all({ session: '9eda1058', types: ['session_started'] }, { allProjects: true, home: history.home })).length).toBe(1);
  });
});

describe('text matching on the raw line and on the parsed event agree', () => {
  const texts = ['say "hi"', 'C:\\Users\\me', 'café Ünïcode', 'tab\there', 'line\nbreak', '</script>'];
  let logs: string;
  beforeAll(async () => {
    logs = join(scratch, 'escapes');
    await writeSession(
      logs,
      'esc-1',
      'claude',
      texts.map((t, i) => [{ type: 'assistant_message', content: `before ${t} after` }, `2026-11-0${i + 1}T00:00:00.000Z`]),
    );
  });

  it.each(texts)('finds %j although its JSON text is escaped', async (t) => {
    const hits = await all({ text: t, caseSensitive: true }, { logsDir: logs });
    expect(hits.map((m) => m.event.type === 'assistant_message' && m.event.content)).toEqual([`before ${t} after`]);
  });

  it('folds non-ASCII case when matching case-insensitively', async () => {
    const hits = await all({ text: 'CAFÉ ÜNÏCODE' }, { logsDir: logs });
    expect(hits).toHaveLength(1);
  });

  it('does not match the envelope (ids, provider) or across field boundaries', async () => {
    expect(await all({ text: 'esc-1' }, { logsDir: logs })).toEqual([]);
    expect(await all({ text: 'claude' }, { logsDir: logs })).toEqual([]);
  });

  it('supports regular expressions and time ranges', async () => {
    const re = await all({ text: '^before (say|tab)', regex: true }, { logsDir: logs });
    expect(re).toHaveLength(2);
    const range = await all({ types: ['assistant_message'], since: '2026-11-02', until: '2026-11-03T00:00:00Z' }, { logsDir: logs });
    expect(range.map((m) => m.event.ts)).toEqual(['2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z']);
  });
});

describe('errors, abort and other sources', () => {
  it('rejects a bad query before reading anything (ERR_INVALID_OPTION)', async () => {
    for (const q of [{ types: ['tool_cal'] }, { since: 'yesterday' }, { text: '(', regex: true }, { toolKind: 'shel' }] as SessionSearchQuery[]) {
      const error = await all(q, { logsDir: history.logs }).catch((e: unknown) => e);
      expect(isSessionLogError(error, 'ERR_INVALID_OPTION')).toBe(true);
    }
  });

  it('stops with ERR_ABORTED when the signal aborts mid-way', async () => {
    const ac = new AbortController();
    let seen = 0;
    const error = await (async () => {
      for await (const _ of searchSessionLogs({}, { logsDir: history.logs, signal: ac.signal })) {
        seen++;
        ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toBeGreaterThan(0);
    expect(isSessionLogError(error, 'ERR_ABORTED')).toBe(true);
  });

  it('reads sessions from a store given in place of a folder', async () => {
    const line = (seq: number, type: string, rest: string) =>
      `{"seq":${seq},"ts":"2026-11-01T00:00:0${seq}.000Z","provider":"codex","wrapper_session_id":"db-1","provider_session_id":null,"source_kind":"wrapper","completeness":"full","type":"${type}",${rest}}`;
    const store: SessionSource = {
      async *sessions() {
        yield { wrapper_session_id: 'db-1', provider: 'codex', provider_session_id: null, log_path: 'db://db-1', started_at: null, ended_at: null, workspace_path: null, project: 'db' };
      },
      async *lines() {
        yield [line(1, 'user_message', '"role":"user","content":"from the store","message_id":null'), line(2, 'stderr', '"message":"x"')];
      },
    };
    const hits = await all({ text: 'store' }, { store });
    expect(hits.map((m) => [m.session.log_path, m.event.seq])).toEqual([['db://db-1', 1]]);
  });
});

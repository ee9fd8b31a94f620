import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSessionLog, SessionLogWriter, type AgentLogEvent } from '../../../src/index.js';
import { GeminiLiveLogAdapter } from '../../../src/providers/index.js';
import { fakeHome, WORKSPACE } from './live-helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
});

const lines = (...recs: unknown[]) => recs.map((r) => JSON.stringify(r) + '\n').join('');
const header = (sessionId: string, startTime: string) => ({ sessionId, projectHash: 'h', startTime, lastUpdated: startTime, kind: 'main' });
const prompt = (id: string, text: string) => ({ id, type: 'user', content: [{ text }] });
const answer = (id: string, text: string) => ({ id, type: 'gemini', content: text, model: 'gemini-x', tokens: { input: 10, output: 2, cached: 0 } });
const PAST = new Date(Date.now() - 3_600_000);

/** A real writer the test polls the adapter with, and a way to read back what it wrote. */
async function harness(adapter: GeminiLiveLogAdapter) {
  const logsDir = mkdtempSync(join(tmpdir(), 'gemini-logs-'));
  cleanups.push(() => rmSync(logsDir, { recursive: true, force: true }));
  const writer = await SessionLogWriter.create(logsDir, { provider: 'gemini', wrapperSessionId: 'w-1', command: 'run' });
  return {
    writer,
    poll: () => adapter.poll(writer),
    async finish(): Promise<AgentLogEvent[]> {
      await adapter.finalize(writer);
      await writer.close();
      const out: AgentLogEvent[] = [];
      for await (const e of readSessionLog(writer.logPath)) out.push(e);
      return out;
    },
  };
}

function home() {
  const h = fakeHome();
  cleanups.push(h.cleanup);
  return h;
}

const prompts = (events: AgentLogEvent[]) =>
  events.flatMap((e) => (e.type === 'user_message' ? [e.content] : []));

describe('GeminiLiveLogAdapter discovery and session changes', () => {
  it('finds the session by its id (a resume of an older chat), among other sessions of the project', async () => {
    const { home: h, chats } = home();
    writeFileSync(join(chats, 'session-2026-01-01T10-00-aaaaaaaa.jsonl'), lines(header('aaaaaaaa-1', '2026-01-01T10:00:00Z'), prompt('p1', 'not mine')));
    const mine = join(chats, 'session-2026-01-01T09-00-bbbbbbbb.jsonl');
    writeFileSync(mine, lines(header('bbbbbbbb-2', '2026-01-01T09:00:00Z'), prompt('p2', 'mine, earlier run')));
    utimesSync(mine, PAST, PAST);
    const adapter = new GeminiLiveLogAdapter({ startedAt: new Date(), home: h, providerSessionId: 'bbbbbbbb-2' });
    const t = await harness(adapter);
    appendFileSync(mine, lines(header('bbbbbbbb-2', new Date().toISOString()), prompt('p3', 'mine, this run')));
    await t.poll();
    expect(t.writer.providerSessionId).toBe('bbbbbbbb-2');
    expect(prompts(await t.finish())).toEqual(['mine, this run']);
  });

  it('by workspace: ignores chats untouched since before the start and waits for the new one', async () => {
    const { home: h, chats } = home();
    const old = join(chats, 'session-2026-01-01T10-00-cccccccc.jsonl');
    writeFileSync(old, lines(header('cccccccc-3', '2026-01-01T10:00:00Z'), prompt('p1', 'old session')));
    utimesSync(old, PAST, PAST);
    const adapter = new GeminiLiveLogAdapter({ startedAt: new Date(), home: h, workspacePath: WORKSPACE });
    const t = await harness(adapter);
    await t.poll();
    expect(t.writer.providerSessionId).toBeNull();
    expect(adapter.watchPaths()).toContain(chats);
    const now = new Date().toISOString();
    const fresh = join(chats, `session-${now.slice(0, 13)}-${now.slice(14, 16)}-dddddddd.jsonl`);
    writeFileSync(fresh, lines(header('dddddddd-4', now), prompt('p2', 'new session')));
    await t.poll();
    expect(adapter.watchPaths()).toContain(fresh);
    expect(prompts(await t.finish())).toEqual(['new session']);
  });

  it('by workspace in an older home without projects.json: the sha256 project folder', async () => {
    const h = mkdtempSync(join(tmpdir(), 'gemini-hash-'));
    cleanups.push(() => rmSync(h, { recursive: true, force: true }));
    const chats = join(h, '.gemini', 'tmp', createHash('sha256').update('/w/old').digest('hex'), 'chats');
    mkdirSync(chats, { recursive: true });
    writeFileSync(join(chats, 'session-2026-01-01T10-00-eeeeeeee.json'), JSON.stringify({ ...header('eeeeeeee-5', 't'), messages: [prompt('p', 'legacy')] }));
    const t = await harness(new GeminiLiveLogAdapter({ startedAt: new Date(Date.now() - 1_000), home: h, workspacePath: '/w/old' }));
    await t.poll();
    expect(prompts(await t.finish())).toEqual(['legacy']);
  });

  it('a resumed session: what earlier runs wrote is not emitted again, what this run appends is', async () => {
    const { home: h, chats } = home();
    const file = join(chats, 'session-2026-01-01T10-00-ffffffff.jsonl');
    const first = { id: 'g1', type: 'gemini', content: 'done', model: 'gemini-x', tokens: { input: 5, output: 1 } };
    writeFileSync(file, lines(header('ffffffff-6', '2026-01-01T10:00:00Z'), prompt('p1', 'first run'), first));
    utimesSync(file, PAST, PAST);
    const adapter = new GeminiLiveLogAdapter({ startedAt: new Date(), home: h, workspacePath: WORKSPACE });
    const t = await harness(adapter);
    // The CLI resumes: header again, a checkpoint, the old answer re-written, then a new turn.
    appendFileSync(file, lines(header('ffffffff-6', new Date().toISOString()), { $set: { messages: [prompt('p1', 'first run'), first] } }, first, prompt('p2', 'second run'), answer('g2', 'again')));
    await t.poll();
    const events = await t.finish();
    expect(prompts(events)).toEqual(['second run']);
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'assistant_message').map((e) => (e as { content: string }).content)).toEqual(['again']);
  });

  it('moves to the JSONL continuation of a resumed legacy JSON without repeating it', async () => {
    const { home: h, chats } = home();
    const hdr = header('55555555-e', '2026-01-01T10:00:00.000Z');
    const old = [prompt('p1', 'legacy turn'), answer('g1', 'legacy answer')];
    const json = join(chats, 'session-2026-01-01T10-00-55555555.json');
    writeFileSync(json, JSON.stringify({ ...hdr, messages: old }, null, 2));
    utimesSync(json, PAST, PAST);
    const adapter = new GeminiLiveLogAdapter({ startedAt: new Date(), home: h, providerSessionId: '55555555-e' });
    const t = await harness(adapter);
    await t.poll(); // follows the JSON, whose content is history
    writeFileSync(
      join(chats, 'session-2026-01-01T10-00-55555555.jsonl'),
      lines(hdr, ...old, { $set: { sessionId: '55555555-e' } }, prompt('p2', 'resumed turn'), answer('g2', 'resumed answer')),
    );
    await t.poll();
    await t.poll();
    const events = await t.finish();
    expect(prompts(events)).toEqual(['resumed turn']);
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'session_cleared')).toEqual([]);
    // Finalizing again, or polling afterwards, adds nothing.
    await adapter.finalize(t.writer);
    await adapter.poll(t.writer);
  });

  it('follows /clear to the new chat file with session_cleared', async () => {
    const { home: h, chats } = home();
    const adapter = new GeminiLiveLogAdapter({ startedAt: new Date(), home: h, workspacePath: WORKSPACE });
    const t = await harness(adapter);
    const a = join(chats, 'session-2026-01-01T10-00-11111111.jsonl');
    writeFileSync(a, lines(header('11111111-a', '2026-01-01T10:00:00.000Z'), prompt('p1', 'before clear'), answer('g1', 'ok')));
    await t.poll();
    writeFileSync(join(chats, 'session-2026-01-01T10-05-22222222.jsonl'), lines(header('22222222-b', '2026-01-01T10:05:00.000Z'), prompt('p2', 'after clear')));
    await t.poll();
    await t.poll();
    expect(t.writer.providerSessionId).toBe('22222222-b');
    const events = await t.finish();
    expect(prompts(events)).toEqual(['before clear', 'after clear']);
    const cleared = events.filter((e) => e.type === 'session_cleared');
    expect(cleared).toMatchObject([{ old_session_id: '11111111-a', new_session_id: '22222222-b' }]);
    // Everything of the old session was written before the switch.
    const idx = (type: string) => events.findIndex((e) => e.type === type);
    expect(idx('assistant_message')).toBeLessThan(idx('session_cleared'));
  });

  it('reports a legacy file that stays broken once, and only once it held still', async () => {
    const { home: h, chats } = home();
    const file = join(chats, 'session-2026-01-01T10-00-33333333.json');
    const adapter = new GeminiLiveLogAdapter({ startedAt: new Date(Date.now() - 1_000), home: h, workspacePath: WORKSPACE });
    const t = await harness(adapter);
    writeFileSync(file, '{"sessionId":"33333333-c","messages":[{"id":"u1","type":"user","con');
    await t.poll(); // just written: maybe mid-rewrite, so not reported yet
    await t.poll();
    const old = new Date(Date.now() - 10_000);
    utimesSync(file, old, old); // now it has held still for a while
    await t.poll(); // the changed mtime makes it a new version: read again, still broken
    await t.poll(); // unchanged and quiet: reported
    await t.poll();
    const events = await t.finish();
    const warnings = events.filter((e) => e.type === 'parse_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ raw: expect.stringContaining('"sessionId":"33333333-c"') });
  });

  it('tails sub-agent files of the session and marks their events', async () => {
    const { home: h, chats } = home();
    const t = await harness(new GeminiLiveLogAdapter({ startedAt: new Date(), home: h, workspacePath: WORKSPACE }));
    writeFileSync(join(chats, 'session-2026-01-01T10-00-44444444.jsonl'), lines(header('44444444-d', '2026-01-01T10:00:00Z'), prompt('p1', 'delegate')));
    await t.poll();
    mkdirSync(join(chats, '44444444-d'));
    writeFileSync(join(chats, '44444444-d', 'agent-7.jsonl'), lines({ ...header('agent-7', 't'), kind: 'subagent' }, prompt('s1', 'sub task')));
    await t.poll();
    const events = await t.finish();
    expect(events.filter((e) => e.type === 'user_message').map((e) => [e.content, e.message_id])).toEqual([
      ['delegate', 'p1'],
      ['sub task', 'subagent:agent-7:s1'],
    ]);
  });
});

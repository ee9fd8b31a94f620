import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendEventToLog,
  isSessionLogError,
  SessionLogWriter,
  subscribeSessionLogs,
  type SessionLogSubscription,
  type SessionStreamItem,
} from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function writer(logsDir: string, id: string, provider = 'claude', globalIndexDir?: string): Promise<SessionLogWriter> {
  const w = await SessionLogWriter.create(
    logsDir,
    { provider, wrapperSessionId: id, command: 'run' },
    globalIndexDir ? { globalIndexDir } : {},
  );
  open.push(w);
  return w;
}

function say(w: SessionLogWriter, text: string): void {
  w.emit('wrapper', { type: 'assistant_message', content: text });
}

/** Reads items off a subscription in the background; `take(n)` waits (bounded) for the first n. */
function collector(sub: SessionLogSubscription): { items: SessionStreamItem[]; take(n: number): Promise<SessionStreamItem[]> } {
  open.push(sub);
  const items: SessionStreamItem[] = [];
  let notify = null as (() => void) | null;
  void (async () => {
    for await (const item of sub) {
      items.push(item);
      notify?.();
    }
  })();
  return {
    items,
    async take(n) {
      const deadline = Date.now() + 15_000;
      while (items.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${items.length} of ${n} items: ${JSON.stringify(items.map(short))}`);
        await new Promise<void>((r) => {
          notify = r;
          setTimeout(r, 200);
        });
      }
      return items.slice(0, n);
    },
  };
}

const short = (i: SessionStreamItem): string => `${i.session.id}:${i.event.type}:${'content' in i.event ? String(i.event.content) : ''}`;

describe('subscribeSessionLogs', () => {
  it('delivers only events written after subscribing, from existing sessions and from sessions that start later', async () => {
    const logs = tempDir();
    const old = await writer(logs, 'old-1');
    say(old, 'before');
    const sub = subscribeSessionLogs({ logsDir: logs });
    await sub.ready;
    const c = collector(sub);
    say(old, 'after');
    const later = await writer(logs, 'new-1');
    say(later, 'first of new');
    say(later, 'second of new');
    const got = await c.take(3);
    const texts = got.map(short).sort();
    expect(texts).toEqual(['new-1:assistant_message:first of new', 'new-1:assistant_message:second of new', 'old-1:assistant_message:after']);
    const fromNew = got.filter((i) => i.session.id === 'new-1');
    expect(fromNew.map((i) => i.event.seq)).toEqual([1, 2]);
    expect(fromNew[0]!.session.logPath).toBe(path.join(logs, 'sessions', 'new-1.jsonl'));
    expect(fromNew[0]!.session.project).toBeNull();
    // Nothing written before the subscription came through.
    await new Promise((r) => setTimeout(r, 300));
    expect(c.items.map(short)).not.toContain('old-1:assistant_message:before');
  });

  it('replays what is already there with fromStart, a session in file order', async () => {
    const logs = tempDir();
    const w = await writer(logs, 'ses-a');
    say(w, 'one');
    say(w, 'two');
    const c = collector(subscribeSessionLogs({ logsDir: logs, fromStart: true }));
    say(w, 'three');
    const got = await c.take(3);
    expect(got.map((i) => i.event.seq)).toEqual([1, 2, 3]);
  });

  it('does not replay a half-written last line as garbage: the line is delivered once its end arrives', async () => {
    const logs = tempDir();
    const w = await writer(logs, 'ses-torn');
    say(w, 'whole');
    const line = JSON.stringify({
      seq: 2, ts: new Date().toISOString(), provider: 'claude', wrapper_session_id: 'ses-torn', provider_session_id: null,
      source_kind: 'wrapper', completeness: 'full', type: 'assistant_message', content: 'torn', message_id: null,
    });
    const file = path.join(logs, 'sessions', 'ses-torn.jsonl');
    fs.appendFileSync(file, line.slice(0, 40));
    const skipped: string[] = [];
    const sub = subscribeSessionLogs({ logsDir: logs, onSkip: (e) => skipped.push(e.message) });
    await sub.ready;
    const c = collector(sub);
    fs.appendFileSync(file, `${line.slice(40)}\n`);
    const got = await c.take(1);
    expect(got.map(short)).toEqual(['ses-torn:assistant_message:torn']);
    expect(skipped).toEqual([]);
  });

  it('filters by event type and provider', async () => {
    const logs = tempDir();
    const sub = subscribeSessionLogs({ logsDir: logs, types: ['tool_call', 'user_event'], provider: 'codex' });
    await sub.ready;
    const c = collector(sub);
    const claude = await writer(logs, 'c-1', 'claude');
    const codex = await writer(logs, 'x-1', 'codex');
    claude.emit('wrapper', { type: 'tool_call', tool_name: 'Bash', tool_id: 't1', input: { command: 'ls' } });
    say(codex, 'not a tool call');
    codex.emit('wrapper', { type: 'tool_call', tool_name: 'shell', tool_id: 't2', input: { command: 'rm -rf x' } });
    await appendEventToLog(codex.logPath, 'codex', 'x-1', null, { type: 'user_event', level: 'info', message: 'hi' });
    const got = await c.take(2);
    expect(got.map((i) => `${i.session.id}:${i.event.type}`)).toEqual(['x-1:tool_call', 'x-1:user_event']);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.items).toHaveLength(2);
  });

  it('rejects an unknown event type with ERR_INVALID_OPTION', () => {
    let caught: unknown;
    try {
      subscribeSessionLogs({ logsDir: tempDir(), types: ['tool_cal'] });
    } catch (err) {
      caught = err;
    }
    expect(isSessionLogError(caught, 'ERR_INVALID_OPTION')).toBe(true);
  });

  it('ends the loop without an error when the signal aborts', async () => {
    const logs = tempDir();
    const ac = new AbortController();
    const sub = subscribeSessionLogs({ logsDir: logs, signal: ac.signal });
    await sub.ready;
    const w = await writer(logs, 'ses-ab');
    const seen: number[] = [];
    const loop = (async () => {
      for await (const { event } of sub) {
        seen.push(event.seq);
        ac.abort();
      }
      return 'ended';
    })();
    say(w, 'x');
    await expect(loop).resolves.toBe('ended');
    expect(seen).toEqual([1]);
  });

  it('skips a corrupt line of one session and goes on', async () => {
    const logs = tempDir();
    const w = await writer(logs, 'ses-bad');
    const skipped: number[] = [];
    const sub = subscribeSessionLogs({ logsDir: logs, onSkip: (e) => skipped.push(e.lineNo) });
    await sub.ready;
    const c = collector(sub);
    fs.appendFileSync(w.logPath, 'not json\n');
    say(w, 'still here');
    const got = await c.take(1);
    expect(got.map(short)).toEqual(['ses-bad:assistant_message:still here']);
    expect(skipped).toEqual([1]);
  });

  it('follows every project through the global index, including a project whose first session starts later', async () => {
    const home = tempDir();
    const base = path.join(home, '.zag');
    const logsA = path.join(base, 'projects', 'proj-a', 'logs');
    const a = await writer(logsA, 'a-1', 'claude', base);
    a.emit('wrapper', { type: 'session_started', command: 'run', resumed: false, backfilled: false });
    // Let the global index be written before subscribing.
    await a.setCompleteness('full');
    const sub = subscribeSessionLogs({ allProjects: true, home });
    await sub.ready;
    const c = collector(sub);
    say(a, 'from a');
    const b = await writer(path.join(base, 'projects', 'proj-b', 'logs'), 'b-1', 'gemini', base);
    say(b, 'from b');
    const got = await c.take(2);
    const byId = new Map(got.map((i) => [i.session.id, i]));
    expect(byId.get('a-1')?.session.project).toBe('proj-a');
    expect(byId.get('b-1')?.session.project).toBe('proj-b');
    expect(short(byId.get('b-1')!)).toBe('b-1:assistant_message:from b');
  });
});

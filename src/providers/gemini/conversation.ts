import type { LogEventInput, LogSourceKind } from '../../schema/index.js';
import { arr, markSubagent, obj, recordTime, str, UnknownRecordTypes, type ParsedEvent } from '../shared/index.js';
import { isInjectedContext, isToolResultOnly, splitContent, workspaceFromContext } from './content.js';
import { usageLimitEvent } from './limits.js';
import { readToolCall, responsePartResultEvent, toolCallEvent, toolResultEvent } from './tools.js';
import type { GeminiSessionMeta } from './types.js';
import { usageEvent } from './usage.js';

interface Tracked {
  record: Record<string, unknown>;
  /** The message body (prompt, text, reasoning, status) has been emitted, or is deliberately never emitted. */
  emitted: boolean;
  usageEmitted: boolean;
  /** Known only from a `$set.messages` checkpoint: a message line with this id later is still news. */
  checkpointOnly?: boolean;
}

/**
 * The conversation state both Gemini formats replay into: the JSONL parser
 * feeds it line by line, the legacy parser feeds it each whole-file snapshot.
 *
 * Emission rules, so that every message appears exactly once however often
 * the CLI rewrites it:
 * - a user / info / error / warning message is emitted when first seen;
 * - a gemini message waits until it is complete: it has `tokens` or
 *   `toolCalls`, a newer message follows it, or the input ends;
 * - after that, later versions of the same id only add what is new (usage that
 *   arrived late, new tool calls, results of calls that finished);
 * - tool calls and results are keyed by tool id, so the functionResponse echo
 *   Gemini also records as a user message never doubles a result.
 */
export class GeminiConversation {
  readonly meta: GeminiSessionMeta = {};
  readonly #source: LogSourceKind;
  readonly #agentId: string | undefined;
  readonly #unknown: UnknownRecordTypes;
  readonly #tracked = new Map<string, Tracked>();
  #order: string[] = [];
  readonly #toolCalls = new Set<string>();
  readonly #toolResults = new Set<string>();
  #pending: string | undefined;
  #lastModel: string | undefined;
  #headers = 0;

  constructor(source: LogSourceKind, agentId?: string) {
    this.#source = source;
    this.#agentId = agentId;
    this.#unknown = new UnknownRecordTypes(source);
  }

  /** Reports a record of a type this parser does not know (once per type). */
  unknown(type: string, raw: string | (() => string)): ParsedEvent[] {
    // The sample is only built the first time a type is seen (snapshots re-read every message).
    const sample = typeof raw === 'string' ? raw : this.#unknown.counts().has(type) ? '' : raw();
    return this.#mark(this.#unknown.note(type, sample));
  }

  unknownCounts(): ReadonlyMap<string, number> {
    return this.#unknown.counts();
  }

  /** Merges a metadata header; a repeated one means the session was resumed. */
  header(record: Record<string, unknown>): ParsedEvent[] {
    this.#headers += 1;
    const resumed = this.#headers > 1;
    this.mergeMeta(record);
    if (!resumed) return [];
    return this.#mark([
      this.#ev({
        type: 'provider_status',
        message: 'gemini session resumed',
        // The same kind and key as the other providers' resume marks (docs/resumed-sessions.md).
        data: { start_time: str(record['startTime']) ?? null, kind: 'session_resumed', resumed_from: str(record['sessionId']) ?? null },
      }),
    ]);
  }

  /** Merges metadata fields (header, `$set`, or a legacy document's top level). The first startTime wins. */
  mergeMeta(fields: Record<string, unknown>): void {
    const m = this.meta;
    const sessionId = str(fields['sessionId']);
    if (sessionId && !m.sessionId) m.sessionId = sessionId;
    const projectHash = str(fields['projectHash']);
    if (projectHash) m.projectHash = projectHash;
    const startTime = str(fields['startTime']);
    if (startTime && !m.startedAt) m.startedAt = startTime;
    const lastUpdated = str(fields['lastUpdated']);
    if (lastUpdated && (!m.endedAt || lastUpdated > m.endedAt)) m.endedAt = lastUpdated;
    const kind = str(fields['kind']);
    if (kind) m.kind = kind;
    const summary = str(fields['summary']);
    if (summary) m.summary = summary;
    const dirs = arr(fields['directories'])?.filter((d): d is string => typeof d === 'string');
    if (dirs && dirs.length > 0) {
      m.directories = dirs;
      m.cwd ??= dirs[0];
    }
  }

  /** Inserts or replaces message `record.id` (last write wins) and emits what became complete. */
  upsert(record: Record<string, unknown>, raw: string | (() => string)): ParsedEvent[] {
    const id = str(record['id']) ?? '';
    const out: ParsedEvent[] = [];
    let t = this.#tracked.get(id);
    if (!t || t.checkpointOnly) {
      // Gemini only ever updates the newest message, so a new id completes the pending one.
      out.push(...this.#flushPending());
      t = { record, emitted: false, usageEmitted: false };
      this.#tracked.set(id, t);
      if (!this.#order.includes(id)) this.#order.push(id);
    } else {
      t.record = record;
      if (!this.#order.includes(id)) this.#order.push(id);
    }
    out.push(...this.#advance(id, t, raw));
    return out;
  }

  /**
   * `$set.messages`: the whole list is replaced (start, resume, `/compress`).
   * Those checkpoints hold API-shaped copies of history, so ids first seen
   * there are remembered but not emitted; known ids keep their richer record.
   */
  replaceMessages(list: unknown[]): ParsedEvent[] {
    const out = this.#flushPending();
    const ids: string[] = [];
    for (const raw of list) {
      const rec = obj(raw);
      const id = rec ? str(rec['id']) : undefined;
      if (!rec || id === undefined) continue;
      ids.push(id);
      if (this.#tracked.has(id)) continue;
      this.#tracked.set(id, { record: rec, emitted: true, usageEmitted: true, checkpointOnly: true });
      // The injected `<session_context>` often exists only here; it names the workspace.
      if (!this.meta.cwd && str(rec['type']) === 'user') {
        const text = splitContent(rec['content']).text;
        if (isInjectedContext(text)) this.meta.cwd = workspaceFromContext(text);
      }
    }
    this.#order = ids;
    return out;
  }

  /** `$rewindTo`: drops that message and everything after it (all of them if the id is unknown). */
  rewindTo(id: string): ParsedEvent[] {
    const out = this.#flushPending();
    const idx = this.#order.indexOf(id);
    const removed = idx >= 0 ? this.#order.splice(idx).length : this.#order.splice(0).length;
    out.push(
      ...this.#mark([
        this.#ev({ type: 'provider_status', message: 'gemini conversation rewound', data: { message_id: id, removed_messages: removed } }),
      ]),
    );
    return out;
  }

  /** Legacy snapshots: the document's message order is the list. */
  setOrder(ids: string[]): void {
    this.#order = ids;
  }

  /** End of input: a gemini message still waiting for its tokens is emitted as it is. */
  flush(): ParsedEvent[] {
    return this.#flushPending();
  }

  #flushPending(): ParsedEvent[] {
    const id = this.#pending;
    this.#pending = undefined;
    if (id === undefined) return [];
    const t = this.#tracked.get(id);
    if (!t || t.emitted) return [];
    return this.#timed(t, this.#mark(this.#geminiBody(id, t)));
  }

  /**
   * A message's events carry its own `timestamp` (a message completed by a
   * later line keeps its time); the parser's clock times the others.
   */
  #timed(t: Tracked, events: ParsedEvent[]): ParsedEvent[] {
    const ts = recordTime(t.record['timestamp']);
    if (ts === undefined) return events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e[2] === undefined) events[i] = [e[0], e[1], ts];
    }
    return events;
  }

  #advance(id: string, t: Tracked, raw: string | (() => string)): ParsedEvent[] {
    return this.#timed(t, this.#advanceUntimed(id, t, raw));
  }

  #advanceUntimed(id: string, t: Tracked, raw: string | (() => string)): ParsedEvent[] {
    const type = str(t.record['type']);
    switch (type) {
      case 'user':
        return this.#mark(this.#user(id, t));
      case 'gemini':
        if (t.emitted) return this.#mark(this.#geminiUpdates(id, t));
        if (isComplete(t.record)) {
          if (this.#pending === id) this.#pending = undefined;
          return this.#mark(this.#geminiBody(id, t));
        }
        this.#pending = id;
        return [];
      case 'info':
      case 'error':
      case 'warning':
        if (t.emitted) return [];
        t.emitted = true;
        return this.#mark([this.#status(id, type, t.record)]);
      default:
        if (t.emitted) return [];
        t.emitted = true;
        return this.unknown(`message:${type ?? typeof t.record['type']}`, raw);
    }
  }

  #user(id: string, t: Tracked): ParsedEvent[] {
    const out: ParsedEvent[] = [];
    const split = splitContent(t.record['content']);
    if (!t.emitted) {
      t.emitted = true;
      if (!isToolResultOnly(split)) {
        const shown = splitContent(t.record['displayContent']).text;
        const prompt = shown.trim() !== '' ? shown : split.text;
        if (isInjectedContext(prompt)) {
          this.meta.cwd ??= workspaceFromContext(prompt);
        } else if (prompt.trim() !== '') {
          out.push(this.#ev({ type: 'user_message', role: 'user', content: prompt, message_id: id }));
        }
      }
    }
    split.functionResponses.forEach((fr, k) => {
      const toolId = fr.id ?? `${id}#response${k}`;
      if (this.#toolResults.has(toolId)) return;
      this.#toolResults.add(toolId);
      out.push(this.#ev(responsePartResultEvent(fr, toolId)));
    });
    return out;
  }

  #geminiBody(id: string, t: Tracked): ParsedEvent[] {
    t.emitted = true;
    const rec = t.record;
    const out: ParsedEvent[] = [];
    const model = str(rec['model']);
    if (model && model !== this.#lastModel) {
      this.#lastModel = model;
      this.meta.model ??= model;
      out.push(this.#ev({ type: 'provider_status', message: `model: ${model}`, data: { model, message_id: id } }));
    }
    const split = splitContent(rec['content']);
    const thoughts = (arr(rec['thoughts']) ?? []).map(thoughtText).filter((s): s is string => !!s);
    for (const thought of thoughts.length > 0 ? thoughts : split.thoughts) {
      if (thought.trim() !== '') out.push(this.#ev({ type: 'reasoning', content: thought, message_id: id }));
    }
    if (split.text.trim() !== '') out.push(this.#ev({ type: 'assistant_message', content: split.text, message_id: id }));
    out.push(...this.#geminiUpdates(id, t));
    // Calls that exist only as functionCall parts (resume checkpoints, future versions).
    split.functionCalls.forEach((fc, k) => {
      const toolId = fc.id ?? `${id}#call${k}`;
      if (this.#toolCalls.has(toolId)) return;
      this.#toolCalls.add(toolId);
      out.push(this.#ev(toolCallEvent(toolId, fc.name, fc.args)));
    });
    return out;
  }

  /** Usage that arrived, tool calls that appeared and results that finished since the last version. */
  #geminiUpdates(id: string, t: Tracked): ParsedEvent[] {
    const out: ParsedEvent[] = [];
    const tokens = obj(t.record['tokens']);
    if (tokens && !t.usageEmitted) {
      t.usageEmitted = true;
      out.push(this.#ev(usageEvent(tokens, str(t.record['model']) ?? this.#lastModel)));
    }
    (arr(t.record['toolCalls']) ?? []).forEach((raw, index) => {
      const call = readToolCall(raw, id, index);
      if (!call) return;
      const mark = (e: LogEventInput): LogEventInput => (call.agentId ? markSubagent(e, call.agentId) : e);
      if (!this.#toolCalls.has(call.id)) {
        this.#toolCalls.add(call.id);
        out.push(this.#ev(mark(toolCallEvent(call.id, call.name, call.args))));
      }
      if (call.final && !this.#toolResults.has(call.id)) {
        this.#toolResults.add(call.id);
        out.push(this.#ev(mark(toolResultEvent(call))));
      }
    });
    return out;
  }

  #status(id: string, type: string, rec: Record<string, unknown>): ParsedEvent {
    const text = splitContent(rec['content']).text || splitContent(rec['displayContent']).text;
    const limit = usageLimitEvent(text, id, str(rec['timestamp']));
    if (limit) return this.#ev(limit);
    return this.#ev({
      type: 'provider_status',
      message: text.trim() !== '' ? text : `gemini ${type} message`,
      data: { gemini_type: type, message_id: id },
    });
  }

  #ev(event: LogEventInput): ParsedEvent {
    return [this.#source, event];
  }

  /** Events from a sub-agent's own file are marked as such (see providers/shared/subagent.ts). */
  #mark(events: ParsedEvent[]): ParsedEvent[] {
    const agentId = this.#agentId;
    if (!agentId) return events;
    return events.map(([s, e, ts]): ParsedEvent => (ts === undefined ? [s, markSubagent(e, agentId)] : [s, markSubagent(e, agentId), ts]));
  }
}

function isComplete(rec: Record<string, unknown>): boolean {
  if (obj(rec['tokens'])) return true;
  const calls = arr(rec['toolCalls']);
  return calls !== undefined && calls.length > 0;
}

function thoughtText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  const t = obj(raw);
  if (!t) return undefined;
  const subject = str(t['subject'])?.trim();
  const description = str(t['description']) ?? '';
  return subject ? `**${subject}** ${description}`.trimEnd() : description;
}

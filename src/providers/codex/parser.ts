import type { LogSourceKind } from '../../schema/index.js';
import {
  markSubagent,
  obj,
  parseJsonLine,
  parseWarning,
  RecordClock,
  str,
  type LineParser,
  type ParsedEvent,
  type SessionMeta,
} from '../shared/index.js';
import { compaction, handleEvent } from './events.js';
import { handleResponseItem } from './response-items.js';
import { CodexState } from './state.js';

export interface CodexParserOptions {
  /** Source kind stamped on every event: `provider_file` (live, default) or `backfill`. */
  source?: LogSourceKind;
}

/** Response-item types that appear as top-level records in the bare pre-envelope format. */
const BARE_ITEM_TYPES = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'local_shell_call',
  'web_search_call',
]);

/** Top-level record types that carry nothing to log. */
const SILENT_RECORDS = new Set(['world_state']);

/**
 * Creates a pure Codex rollout parser (no I/O, no clock). It reads every
 * rollout format Codex has written: the bare 2025 one, the classic envelope
 * (`session_meta`, `turn_context`, `response_item`, `event_msg`, `compacted`)
 * and the paginated 0.17x one (`item_completed`, `token_usage_record`,
 * `thread_settings_applied`, `world_state`, `ordinal`). Content that Codex
 * records twice is emitted once (rules in dedupe.ts, tools.ts and usage.ts).
 */
export function createCodexParser(options: CodexParserOptions = {}): LineParser {
  return new CodexParser(options.source ?? 'provider_file');
}

class CodexParser implements LineParser {
  readonly #s: CodexState;
  #records = 0;
  readonly #clock = new RecordClock();

  constructor(source: LogSourceKind) {
    this.#s = new CodexState(source);
  }

  get meta(): Readonly<SessionMeta> {
    return this.#s.meta;
  }

  push(line: string): ParsedEvent[] {
    const parsed = parseJsonLine(line, this.#s.source);
    if (parsed === null) return [];
    if (!parsed.ok) return this.#clock.stamp([parsed.warning]);
    this.#clock.note(parsed.value.timestamp);
    try {
      this.#record(parsed.value, line);
    } catch (err) {
      // Defensive: a record shape no handler foresaw must not stop the session.
      this.#s.out = [];
      return this.#clock.stamp([parseWarning(this.#s.source, `unreadable codex record: ${(err as Error).message}`, line)]);
    }
    return this.#clock.stamp(this.#drain());
  }

  end(): ParsedEvent[] {
    this.#s.emit(...this.#s.tools.flush());
    return this.#clock.end(this.#drain());
  }

  #drain(): ParsedEvent[] {
    const s = this.#s;
    const events = s.out;
    s.out = [];
    return events.map((e) => [s.source, s.subagentId ? markSubagent(e, s.subagentId) : e]);
  }

  #record(rec: Record<string, unknown>, raw: string): void {
    const s = this.#s;
    const first = this.#records === 0;
    this.#records += 1;
    const ts = str(rec.timestamp);
    s.ts = ts;
    if (ts) {
      s.meta.startedAt ??= ts;
      s.meta.endedAt = ts;
    }
    const type = str(rec.type);
    const payload = obj(rec.payload);
    if (type !== undefined && payload !== undefined) return this.#envelope(type, payload, rec, raw);
    if (first && type === undefined && str(rec.id) !== undefined) return this.#bareHeader(rec);
    if (str(rec.record_type) === 'state') return;
    if (type !== undefined && BARE_ITEM_TYPES.has(type)) return handleResponseItem(s, rec, rec, raw);
    s.noteUnknown(type ?? '(no type)', raw);
  }

  #envelope(type: string, p: Record<string, unknown>, rec: Record<string, unknown>, raw: string): void {
    const s = this.#s;
    switch (type) {
      case 'session_meta':
        return this.#sessionMeta(p);
      case 'turn_context': {
        const model = str(p.model);
        if (model) s.meta.model = model;
        s.meta.cwd ??= str(p.cwd);
        const turnId = str(p.turn_id);
        if (turnId !== undefined) s.enterTurn(turnId);
        return;
      }
      case 'response_item':
        return handleResponseItem(s, p, rec, raw);
      case 'event_msg':
        return handleEvent(s, p, raw);
      case 'compacted':
        return compaction(s, 'response', {
          summary: p.message ?? null,
          window_number: p.window_number ?? null,
          replacement_items: Array.isArray(p.replacement_history) ? p.replacement_history.length : null,
        });
      case 'token_usage_record':
        return s.emitUsage(s.usage.onRecord(p));
      case 'inter_agent_communication':
      case 'inter_agent_communication_metadata':
        return s.status(type, p);
      default:
        if (SILENT_RECORDS.has(type)) return;
        return s.noteUnknown(type, raw);
    }
  }

  #sessionMeta(p: Record<string, unknown>): void {
    const s = this.#s;
    // A resumed or forked thread may repeat session_meta: the first one names the file's thread.
    if (s.sessionMetaSeen) return;
    s.sessionMetaSeen = true;
    const id = str(p.id) ?? str(p.session_id);
    if (id) s.meta.sessionId = id;
    const cwd = str(p.cwd);
    if (cwd) s.meta.cwd = cwd;
    const started = str(p.timestamp);
    if (started) s.meta.startedAt = started;
    const forkedFrom = str(p.forked_from_id);
    if (forkedFrom) s.status(`forked from thread ${forkedFrom}`, { forked_from_id: forkedFrom });
    const source = p.source;
    const sub = obj(source)?.subagent;
    if (sub !== undefined) {
      s.subagentId = id ?? 'unknown';
      const spawn = obj(obj(sub)?.thread_spawn);
      s.status('sub-agent thread', {
        kind: typeof sub === 'string' ? sub : Object.keys(obj(sub) ?? {})[0] ?? null,
        parent_thread_id: spawn?.parent_thread_id ?? null,
        depth: spawn?.depth ?? null,
        agent_nickname: p.agent_nickname ?? null,
        agent_role: p.agent_role ?? null,
      });
    }
  }

  #bareHeader(rec: Record<string, unknown>): void {
    const s = this.#s;
    s.bare = true;
    s.sessionMetaSeen = true;
    s.meta.sessionId = str(rec.id);
    const started = str(rec.timestamp);
    if (started) s.meta.startedAt = started;
  }
}

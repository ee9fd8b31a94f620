import type { LogEventInput, LogSourceKind } from '../../schema/index.js';
import {
  IdSet,
  markSubagent,
  obj,
  parseJsonLine,
  parseWarning,
  str,
  UnknownRecordTypes,
  type LineParser,
  type ParsedEvent,
  type SessionMeta,
} from '../shared/index.js';
import { mapAssistant } from './assistant.js';
import { limitEvent, withoutEnvelope, type ClaudeRecord, type MapContext, type ToolInfo } from './context.js';
import { shortText } from './classify.js';
import { UsageTracker, usageCounts } from './usage.js';
import { limitFromApiError } from './usage-limits.js';
import { mapQueuedCommand, mapUser } from './user.js';

export interface ClaudeParserOptions {
  /** Source kind of every event: 'provider_file' (live, default) or 'backfill'. */
  source?: LogSourceKind;
  /** Marks every event as sub-agent `subagentId`'s (for sidechain files). */
  subagentId?: string;
}

/** Bookkeeping records that carry nothing for the event log (context, request blobs, UI state). */
const IGNORED = new Set([
  'queue-operation',
  'last-prompt',
  'cost-state',
  'file-history-snapshot',
  'file-history-delta',
  'mode',
  'permission-mode',
  'tools-used',
  'atis-latch',
  'custom-title',
  'ai-title',
  'agent-name',
  'tag',
  'progress',
  'pr-link',
]);

/** Records after which a held message usage is complete. */
const FLUSHES_USAGE = new Set(['user', 'system', 'last-prompt', 'cost-state']);

/**
 * Pure parser for Claude Code session files (`projects/<cwd>/<id>.jsonl` and
 * sub-agent files). Feed it complete lines in file order; the live and the
 * historical adapters share it, so both produce the same events.
 * Sub-agent lines (`isSidechain`, or a parser made with `subagentId`) are
 * marked with `markSubagent` from providers/shared.
 */
export class ClaudeParser implements LineParser {
  readonly #source: LogSourceKind;
  readonly #subagentId: string | undefined;
  readonly #meta: SessionMeta = {};
  readonly #usage = new UsageTracker();
  readonly #unknown: UnknownRecordTypes;
  readonly #uuids = new IdSet();
  readonly #ctx: MapContext;
  #out: ParsedEvent[] = [];
  #incidents = 0;

  constructor(options: ClaudeParserOptions = {}) {
    this.#source = options.source ?? 'provider_file';
    this.#subagentId = options.subagentId;
    this.#unknown = new UnknownRecordTypes(this.#source);
    const tools = new Map<string, ToolInfo>();
    this.#ctx = {
      tools,
      emit: (event, record) => this.#emit(event, record),
      unknown: (type, raw) => this.#push(this.#unknown.note(type, raw)),
      noteModel: (model) => {
        if (this.#meta.model === undefined) this.#meta.model = model;
      },
      incidentId: (record) => {
        this.#incidents++;
        const base = str(record.uuid) ?? str(record.requestId);
        return `claude-limit-${base ?? `${this.#meta.sessionId ?? 'session'}-${this.#incidents}`}`;
      },
    };
  }

  get meta(): Readonly<SessionMeta> {
    return this.#meta;
  }

  /** Counts of unknown record types seen so far. */
  unknownTypes(): ReadonlyMap<string, number> {
    return this.#unknown.counts();
  }

  push(line: string): ParsedEvent[] {
    const out: ParsedEvent[] = (this.#out = []);
    try {
      this.#line(line);
    } catch (err) {
      // Defensive: a mapper bug must not stop a capture; say which line it was.
      out.push(parseWarning(this.#source, `claude parser failed on a line: ${(err as Error).message}`, line));
    }
    return out;
  }

  end(): ParsedEvent[] {
    const out: ParsedEvent[] = (this.#out = []);
    this.#flushUsage();
    return out;
  }

  #line(line: string): void {
    const parsed = parseJsonLine(line, this.#source);
    if (parsed === null) return;
    if (!parsed.ok) {
      this.#out.push(parsed.warning);
      return;
    }
    const record: ClaudeRecord = parsed.value;
    const uuid = str(record.uuid);
    if (uuid !== undefined) {
      if (!this.#uuids.add(uuid)) return; // the same conversation line written twice
    }
    this.#noteMeta(record);
    const type = str(record.type);
    if (type === 'assistant') {
      this.#assistantUsage(record);
      mapAssistant(this.#ctx, record, line);
      return;
    }
    // A message's block lines can be separated by bookkeeping lines (summary,
    // attachment, queue-operation): only conversation and turn-end records
    // close the message whose usage is held.
    if (type !== undefined && FLUSHES_USAGE.has(type)) this.#flushUsage();
    switch (type) {
      case 'user':
        mapUser(this.#ctx, record);
        return;
      case 'system':
        this.#system(record);
        return;
      case 'summary': {
        const summary = str(record.summary) ?? '';
        this.#emit(
          {
            type: 'provider_status',
            message: `summary: ${shortText(summary)}`,
            data: { kind: 'summary', summary, leaf_uuid: record.leafUuid ?? null },
          },
          record,
        );
        return;
      }
      case 'attachment': {
        const attachment = obj(record.attachment);
        if (attachment && str(attachment.type) === 'queued_command') mapQueuedCommand(this.#ctx, record, attachment);
        return;
      }
      default:
        if (type !== undefined && (IGNORED.has(type) || type.startsWith('api-request'))) return;
        this.#push(this.#unknown.note(type ?? '(no type)', line));
    }
  }

  #system(record: ClaudeRecord): void {
    const subtype = str(record.subtype) ?? 'unknown';
    const content = str(record.content) ?? '';
    if (subtype === 'api_error' || subtype === 'api_retry') {
      const limit = limitFromApiError(record, content);
      if (limit) {
        this.#emit(limitEvent(this.#ctx, record, limit), record);
        return;
      }
    }
    this.#emit(
      {
        type: 'provider_status',
        message: content ? `system/${subtype}: ${shortText(content)}` : `system/${subtype}`,
        data: { kind: 'system', ...withoutEnvelope(record) },
      },
      record,
    );
  }

  #assistantUsage(record: ClaudeRecord): void {
    const message = obj(record.message);
    const id = str(message?.id);
    const counts = usageCounts(message?.usage);
    if (id === undefined || counts === undefined || record.isApiErrorMessage === true) {
      this.#flushUsage();
      return;
    }
    const model = str(message?.model);
    const named = model !== undefined && model !== '<synthetic>' ? model : undefined;
    const done = this.#usage.observe(`${id}|${str(record.requestId) ?? ''}`, counts, named);
    if (done) this.#out.push([this.#source, done]);
  }

  #flushUsage(): void {
    const done = this.#usage.flush();
    if (done) this.#out.push([this.#source, done]);
  }

  #noteMeta(record: ClaudeRecord): void {
    const meta = this.#meta;
    if (meta.sessionId === undefined) meta.sessionId = str(record.sessionId) ?? str(record.session_id);
    if (meta.cwd === undefined) meta.cwd = str(record.cwd);
    const ts = str(record.timestamp);
    if (ts !== undefined) {
      if (meta.startedAt === undefined) meta.startedAt = ts;
      meta.endedAt = ts;
    }
  }

  #emit(event: LogEventInput, record: ClaudeRecord): void {
    const agent = this.#subagentId ?? (record.isSidechain === true ? (str(record.agentId) ?? 'sidechain') : undefined);
    this.#out.push([this.#source, agent === undefined ? event : markSubagent(event, agent)]);
  }

  #push(events: ParsedEvent[]): void {
    for (const e of events) this.#out.push(e);
  }
}

/** A fresh Claude line parser (pure; one per session file). */
export function createClaudeParser(options: ClaudeParserOptions = {}): ClaudeParser {
  return new ClaudeParser(options);
}

import type { LogEventInput, LogSourceKind } from '../../schema/index.js';
import {
  IdSet,
  RecordClock,
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
import { InlineSidechains } from './sidechains.js';
import { mapQueuedCommand, mapUser } from './user.js';

export interface ClaudeParserOptions {
  /** Source kind of every event: 'provider_file' (live, default) or 'backfill'. */
  source?: LogSourceKind;
  /** Marks every event as sub-agent `subagentId`'s (for sidechain files). */
  subagentId?: string;
  /**
   * The id of the session this file is (its file name). Older Claude Code
   * versions resume a session into a NEW file that first repeats the earlier
   * session's records, with their `uuid`s and the earlier `sessionId`: such a
   * record belongs to the session it first appeared in and is dropped here,
   * unless its session is listed in `keepRecordsOf` (its own file is gone and
   * it was never imported: this file is the only place left to read it).
   * The file's first earlier session is announced once, by a provider_status
   * `session_resumed` naming it (see docs/resumed-sessions.md).
   */
  fileSessionId?: string;
  keepRecordsOf?: readonly string[];
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
  /** Sub-agent runs written inline (`isSidechain`) in older main files. */
  readonly #inline = new InlineSidechains();
  readonly #ctx: MapContext;
  #out: ParsedEvent[] = [];
  #incidents = 0;
  readonly #clock = new RecordClock();
  /** Time of the last assistant record whose usage is held: the usage event's time. */
  #usageTs: string | undefined;
  readonly #fileSessionId: string | undefined;
  readonly #keep: ReadonlySet<string>;
  /** A new-file resume was announced (once per file). */
  #announced = false;
  /** The last prompt's id: a later prompt numbered 0 again comes from a new process. */
  #lastPromptId: string | undefined;
  /**
   * A `cost-state` record (written as a process finishes its work) came after the last prompt.
   * Needed besides promptIndex 0: a queued task notification within one process is numbered 0 too.
   */
  #processEnded = false;

  constructor(options: ClaudeParserOptions = {}) {
    this.#source = options.source ?? 'provider_file';
    this.#subagentId = options.subagentId;
    this.#fileSessionId = options.fileSessionId;
    this.#keep = new Set(options.keepRecordsOf ?? []);
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
    return this.#clock.stamp(out);
  }

  end(): ParsedEvent[] {
    const out: ParsedEvent[] = (this.#out = []);
    this.#flushUsage();
    return this.#clock.end(out);
  }

  #line(line: string): void {
    const parsed = parseJsonLine(line, this.#source);
    if (parsed === null) return;
    if (!parsed.ok) {
      this.#out.push(parsed.warning);
      return;
    }
    const record: ClaudeRecord = parsed.value;
    // A record repeated from an earlier session is dropped before its time is noted: the
    // resume announcement then takes the time of the first record this session wrote.
    if (this.#repeatedFromEarlierSession(record)) return;
    this.#clock.note(record.timestamp);
    const uuid = str(record.uuid);
    // Only a record that parsed claims its uuid (a broken line never hides a later valid one).
    if (uuid !== undefined && this.#uuids.has(uuid)) return; // the same conversation line written twice
    this.#noteMeta(record);
    const type = str(record.type);
    if (type === 'user') this.#noteResumeInPlace(record);
    else if (type === 'cost-state') this.#processEnded = true;
    if (this.#subagentId === undefined) {
      const started = this.#inline.note(record);
      if (started) {
        this.#flushUsage(); // the root closes the main agent's message, whose usage comes first
        this.#emit(started, record);
      }
    }
    this.#map(record, type, line);
    // After mapping: a record whose mapping threw is a parse_warning and claims nothing, and
    // neither does a damaged one, so that a later intact copy of the line still counts.
    if (uuid !== undefined && intact(record, type)) this.#uuids.add(uuid);
  }

  /**
   * Old layout: a record of another session repeated at the top of a resuming
   * file. Announces the resume once, with the earlier session's id, and says
   * whether the record is to be dropped.
   */
  #repeatedFromEarlierSession(record: ClaudeRecord): boolean {
    const own = this.#fileSessionId;
    const recordSession = str(record.sessionId);
    if (own === undefined || recordSession === undefined || recordSession === own) return false;
    if (!this.#announced) {
      this.#announced = true;
      this.#out.push([
        this.#source,
        {
          type: 'provider_status',
          message: `resumed Claude session ${recordSession}`,
          data: { kind: 'session_resumed', resumed_from: recordSession, repeats_earlier_records: true },
        },
      ]);
    }
    return !this.#keep.has(recordSession);
  }

  /**
   * Current layout: a resume appends to the same file. Every Claude process
   * numbers its prompts from 0 (`turnPosition.promptIndex`) and writes a
   * `cost-state` when it is done, so a prompt 0 after an earlier prompt and a
   * cost-state starts a new process on this session: a resume.
   */
  #noteResumeInPlace(record: ClaudeRecord): void {
    if (record.isSidechain === true || this.#subagentId !== undefined) return;
    const index = obj(record.turnPosition)?.promptIndex;
    const promptId = str(record.promptId);
    if (typeof index !== 'number' || promptId === undefined || promptId === this.#lastPromptId) return;
    if (index === 0 && this.#lastPromptId !== undefined && this.#processEnded) {
      const session = str(record.sessionId) ?? this.#meta.sessionId ?? null;
      this.#out.push([
        this.#source,
        {
          type: 'provider_status',
          message: session ? `resumed Claude session ${session}` : 'resumed Claude session',
          data: { kind: 'session_resumed', resumed_from: session },
        },
      ]);
    }
    this.#lastPromptId = promptId;
    this.#processEnded = false;
  }

  #map(record: ClaudeRecord, type: string | undefined, line: string): void {
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
    if (done) this.#out.push(this.#timed(done, this.#usageTs));
    // A message's usage is complete at its last record: that record's time is the usage's.
    this.#usageTs = this.#clock.last;
  }

  #flushUsage(): void {
    const done = this.#usage.flush();
    if (done) this.#out.push(this.#timed(done, this.#usageTs));
  }

  /** An event made from an earlier record than the one being read, with that record's time. */
  #timed(event: LogEventInput, ts: string | undefined): ParsedEvent {
    return ts === undefined ? [this.#source, event] : [this.#source, event, ts];
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
    const agent = this.#subagentId ?? (record.isSidechain === true ? this.#inline.agentOf(record) : undefined);
    this.#out.push([this.#source, agent === undefined ? event : markSubagent(event, agent)]);
  }

  #push(events: ParsedEvent[]): void {
    for (const e of events) this.#out.push(e);
  }
}

/** A record that can stand for its uuid: typed, and a conversation record with its message. */
function intact(record: ClaudeRecord, type: string | undefined): boolean {
  if (type === undefined) return false;
  if (type === 'user' || type === 'assistant') return obj(record.message) !== undefined;
  return true;
}

/** A fresh Claude line parser (pure; one per session file). */
export function createClaudeParser(options: ClaudeParserOptions = {}): ClaudeParser {
  return new ClaudeParser(options);
}

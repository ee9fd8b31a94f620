import type { LogEventInput, LogSourceKind } from '../../schema/index.js';
import {
  IdSet,
  RecordClock,
  UnknownRecordTypes,
  arr,
  bool,
  markSubagent,
  num,
  obj,
  parseJsonLine,
  parseWarning,
  str,
  type LineParser,
  type ParsedEvent,
  type SessionMeta,
} from '../shared/index.js';
import { isLimitError, limitHitEvent } from './limits.js';
import { statusEvent, shutdownSummary } from './status.js';
import { copilotToolKind, errorText, resultText, shellExitCode } from './tools.js';
import { UsageLedger } from './usage.js';

export interface CopilotParserOptions {
  /** Source kind stamped on every event: `provider_file` live, `backfill` for history. */
  source?: LogSourceKind;
}

/**
 * Records that are deliberately not content: the system prompt, turn
 * brackets, hooks, and the SDK's ephemeral streaming events (deltas, idle,
 * intents…), which Copilot does not persist but which are ignored should a
 * version ever write them, so they are never counted twice.
 */
const IGNORED = new Set([
  'system.message',
  'assistant.turn_start',
  'assistant.turn_end',
  'subagent.configured',
  'hook.start',
  'hook.end',
  'skill.invoked',
  'pending_messages.modified',
  'assistant.message_delta',
  'assistant.reasoning_delta',
  'assistant.streaming_delta',
  'assistant.usage',
  'assistant.intent',
  'session.idle',
  'session.usage_info',
  'session.snapshot_rewind',
  'model.call_failure',
  'tool.execution_partial_result',
  'tool.execution_progress',
]);

/** Records that become a provider_status with a fixed message (data passed through). */
const STATUS_MESSAGES: Record<string, string> = {
  'session.resume': 'Copilot session resumed',
  'session.compaction_start': 'Copilot context compaction started',
  'session.compaction_complete': 'Copilot context compaction completed',
  'session.truncation': 'Copilot session truncation',
  'session.context_cleared': 'Copilot context cleared',
  'session.task_complete': 'Copilot task complete',
  abort: 'Copilot turn aborted',
  'subagent.started': 'Copilot sub-agent started',
  'subagent.completed': 'Copilot sub-agent completed',
  'subagent.failed': 'Copilot sub-agent failed',
};

/**
 * Pure parser for Copilot CLI's `events.jsonl` (see PROVIDER_FORMATS.md §4).
 * One record per line: `{type, data, id, timestamp, parentId, agentId?}`.
 *
 * - Tool calls: a call is announced by `assistant.message.toolRequests[]` and
 *   again by `tool.execution_start`; it is emitted once, at the first sighting
 *   of its `toolCallId`. `tool.execution_complete` gives one `tool_result`
 *   with the name and kind of its call. `success` is Copilot's flag AND a zero
 *   shell exit code (Copilot reports a failing command as `success:true`);
 *   the exit code is in `data.exit_code`. A call that never completes gets no
 *   invented result.
 * - Sub-agents: records with a top-level `agentId` are marked with
 *   `markSubagent` (ids prefixed `subagent:<agentId>:`).
 * - Usage: see {@link UsageLedger}.
 * - A record id seen twice (a file rewritten in place) is ignored.
 */
export class CopilotParser implements LineParser {
  readonly #source: LogSourceKind;
  readonly #unknown: UnknownRecordTypes;
  readonly #usage = new UsageLedger();
  readonly #meta: SessionMeta = {};
  readonly #seenIds = new IdSet();
  /** toolCallId -> tool name, for calls already emitted. */
  readonly #calls = new Map<string, string>();
  readonly #completed = new Set<string>();
  /** Sub-agent task call id -> agent id, for records that only carry `parentToolCallId`. */
  readonly #agentsByTask = new Map<string, string>();
  /** `assistant.reasoning` texts since the agent's last `assistant.message` (to skip a repeat in `reasoningText`). */
  readonly #streamedReasoning = new Map<string, string[]>();
  #lineNo = 0;
  readonly #clock = new RecordClock();

  constructor(options: CopilotParserOptions = {}) {
    this.#source = options.source ?? 'provider_file';
    this.#unknown = new UnknownRecordTypes(this.#source);
  }

  get meta(): Readonly<SessionMeta> {
    return this.#meta;
  }

  push(line: string): ParsedEvent[] {
    return this.#clock.stamp(this.#line(line));
  }

  #line(line: string): ParsedEvent[] {
    this.#lineNo++;
    const parsed = parseJsonLine(line, this.#source);
    if (parsed === null) return [];
    if (!parsed.ok) return [parsed.warning];
    const rec = parsed.value;
    this.#clock.note(rec.timestamp);
    const type = str(rec.type);
    if (type === undefined) return [parseWarning(this.#source, 'Copilot record without a "type"', line)];
    const id = str(rec.id);
    if (id !== undefined && this.#seenIds.has(id)) return [];
    const ts = str(rec.timestamp);
    if (ts !== undefined) {
      this.#meta.startedAt ??= ts;
      this.#meta.endedAt = ts;
    }
    const data = obj(rec.data) ?? {};
    const agentId = str(rec.agentId) ?? this.#agentsByTask.get(str(data.parentToolCallId) ?? '');
    const events = this.#record(type, data, agentId, id ?? `line-${this.#lineNo}`, ts, line);
    // Claimed once mapped, and only by a record with its data: a damaged copy never hides an intact one.
    if (id !== undefined && obj(rec.data) !== undefined) this.#seenIds.add(id);
    const out: ParsedEvent[] = [];
    for (const e of events) out.push([this.#source, agentId ? markSubagent(e, agentId) : e]);
    return out;
  }

  /** Nothing is held back (a tool that never completed stays without a result), except events still waiting for a time. */
  end(): ParsedEvent[] {
    return this.#clock.end([]);
  }

  #record(
    type: string,
    data: Record<string, unknown>,
    agentId: string | undefined,
    recordId: string,
    ts: string | undefined,
    line: string,
  ): LogEventInput[] {
    if (IGNORED.has(type)) return [];
    switch (type) {
      case 'session.start':
        return this.#sessionStart(data);
      case 'user.message':
        return this.#userMessage(data, recordId);
      case 'assistant.message':
        return this.#assistantMessage(data, agentId);
      case 'assistant.reasoning':
        return this.#reasoning(data, agentId);
      case 'tool.execution_start':
        return this.#toolStart(data);
      case 'tool.execution_complete':
        return this.#toolComplete(data);
      case 'session.usage_record': {
        const usage = obj(data.usage) ?? {};
        const e = this.#usage.fromRecord(usage, str(usage.apiCallId) ?? str(obj(usage.accounting)?.usageId));
        return e ? [e] : [];
      }
      case 'session.shutdown': {
        const e = this.#usage.fromShutdown(data.modelMetrics);
        const status = statusEvent(`Copilot session shutdown (${str(data.shutdownType) ?? 'unknown'})`, shutdownSummary(data));
        return e ? [e, status] : [status];
      }
      case 'session.model_change':
        return this.#modelChange(data, agentId);
      case 'session.info':
      case 'session.warning':
        return [statusEvent(str(data.message) ?? `Copilot ${type.slice('session.'.length)}`, data)];
      case 'session.error':
        if (isLimitError(data)) return [limitHitEvent(data, recordId, ts)];
        return [statusEvent(`Copilot error: ${str(data.message) ?? str(data.errorType) ?? 'unknown'}`, data)];
      default: {
        const message = STATUS_MESSAGES[type];
        if (message !== undefined) {
          if (type === 'session.resume') this.#noteContext(data);
          if (type === 'subagent.started' && agentId) {
            const task = str(data.toolCallId);
            if (task) this.#agentsByTask.set(task, agentId);
          }
          if (type === 'session.resume') {
            // The same kind and key as the other providers' resume marks (docs/resumed-sessions.md).
            return [statusEvent(message, { ...data, kind: 'session_resumed', resumed_from: this.#meta.sessionId ?? null })];
          }
          return [statusEvent(message, data)];
        }
        return this.#unknown.note(type, line).map(([, e]) => e);
      }
    }
  }

  #noteContext(data: Record<string, unknown>): void {
    const ctx = obj(data.context);
    this.#meta.cwd ??= str(ctx?.cwd) ?? str(ctx?.gitRoot);
  }

  #sessionStart(data: Record<string, unknown>): LogEventInput[] {
    this.#meta.sessionId ??= str(data.sessionId);
    this.#meta.model ??= str(data.selectedModel);
    this.#noteContext(data);
    const start = str(data.startTime);
    if (start !== undefined && this.#meta.startedAt !== undefined && start < this.#meta.startedAt) {
      this.#meta.startedAt = start;
    }
    return [statusEvent('Copilot session started', data)];
  }

  #userMessage(data: Record<string, unknown>, recordId: string): LogEventInput[] {
    // `content` is what the user typed; `transformedContent` adds a datetime
    // preamble for the model and is only a fallback.
    const content = str(data.content) ?? str(data.transformedContent);
    if (!content) return [];
    return [{ type: 'user_message', role: 'user', content, message_id: str(data.messageId) ?? recordId }];
  }

  #assistantMessage(data: Record<string, unknown>, agentId: string | undefined): LogEventInput[] {
    const out: LogEventInput[] = [];
    const messageId = str(data.messageId) ?? null;
    if (!agentId) this.#meta.model ??= str(data.model);
    const key = agentId ?? '';
    const streamed = this.#streamedReasoning.get(key);
    this.#streamedReasoning.delete(key);
    const reasoning = str(data.reasoningText);
    if (reasoning && !(streamed && (streamed.includes(reasoning) || streamed.join('') === reasoning))) {
      out.push({ type: 'reasoning', content: reasoning, message_id: messageId });
    }
    const content = str(data.content);
    if (content) out.push({ type: 'assistant_message', content, message_id: messageId });
    for (const req of arr(data.toolRequests) ?? []) {
      const r = obj(req);
      if (!r) continue;
      const e = this.#toolCall(str(r.toolCallId), str(r.name), r.arguments);
      if (e) out.push(e);
    }
    const outputTokens = num(data.outputTokens);
    if (outputTokens !== undefined) {
      const e = this.#usage.fromMessageOutput(outputTokens, str(data.apiCallId), str(data.model));
      if (e) out.push(e);
    }
    return out;
  }

  #reasoning(data: Record<string, unknown>, agentId: string | undefined): LogEventInput[] {
    const content = str(data.content);
    if (!content) return [];
    const key = agentId ?? '';
    const list = this.#streamedReasoning.get(key) ?? [];
    list.push(content);
    this.#streamedReasoning.set(key, list);
    return [{ type: 'reasoning', content, message_id: str(data.reasoningId) ?? null }];
  }

  #toolStart(data: Record<string, unknown>): LogEventInput[] {
    const e = this.#toolCall(str(data.toolCallId), str(data.toolName), data.arguments);
    return e ? [e] : [];
  }

  /** A tool_call the first time its id is seen; `undefined` for a repeat. */
  #toolCall(id: string | undefined, name: string | undefined, input: unknown): LogEventInput | undefined {
    if (id !== undefined) {
      if (this.#calls.has(id)) {
        if (name && !this.#calls.get(id)) this.#calls.set(id, name);
        return undefined;
      }
      this.#calls.set(id, name ?? '');
    }
    const toolName = name ?? 'unknown';
    return {
      type: 'tool_call',
      tool_name: toolName,
      tool_kind: copilotToolKind(toolName),
      tool_id: id ?? null,
      input: input === undefined ? null : input,
    };
  }

  #toolComplete(data: Record<string, unknown>): LogEventInput[] {
    const id = str(data.toolCallId);
    if (id !== undefined) {
      if (this.#completed.has(id)) return [];
      this.#completed.add(id);
    }
    const name = (id !== undefined ? this.#calls.get(id) : undefined) || str(data.toolName);
    const exitCode = shellExitCode(data);
    const flag = bool(data.success);
    const success = flag === undefined ? null : flag && (exitCode === undefined || exitCode === 0);
    const output = resultText(data.result) ?? null;
    const error = errorText(data.error) ?? null;
    return [
      {
        type: 'tool_result',
        tool_name: name ?? null,
        tool_kind: name ? copilotToolKind(name) : undefined,
        tool_id: id ?? null,
        success,
        output,
        error,
        data: exitCode === undefined ? null : { exit_code: exitCode },
      },
    ];
  }

  #modelChange(data: Record<string, unknown>, agentId: string | undefined): LogEventInput[] {
    const model = str(data.newModel);
    if (!agentId) this.#meta.model ??= model;
    const cause = str(data.cause);
    const message =
      cause === 'rate_limit_auto_switch'
        ? `Copilot switched model to ${model ?? 'unknown'} after a rate limit`
        : `Copilot model changed to ${model ?? 'unknown'}`;
    return [statusEvent(message, data)];
  }
}

/** A fresh Copilot `events.jsonl` parser. */
export function createCopilotParser(options: CopilotParserOptions = {}): CopilotParser {
  return new CopilotParser(options);
}

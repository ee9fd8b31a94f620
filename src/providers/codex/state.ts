import type { LogEventInput, LogEventInputOf, LogSourceKind } from '../../schema/index.js';
import { UnknownRecordTypes, type SessionMeta } from '../shared/index.js';
import { TwinFilter, type Channel } from './dedupe.js';
import { errorLimitSignal, limitEvent, rateLimitSignal, type LimitSignal } from './limits.js';
import { ToolTracker } from './tools.js';
import { UsageTracker } from './usage.js';

/**
 * Everything one Codex parser remembers between lines. The record handlers
 * (response items, events, paginated items) share it; they append the events
 * they complete to `out`.
 */
export class CodexState {
  readonly meta: SessionMeta = {};
  readonly unknown: UnknownRecordTypes;
  readonly twins = new TwinFilter();
  readonly tools = new ToolTracker();
  readonly usage = new UsageTracker();
  out: LogEventInput[] = [];
  /** Timestamp of the record being handled. */
  ts: string | undefined;
  turnId: string | undefined;
  /** Set for a sub-agent thread: every event is marked with this id. */
  subagentId: string | undefined;
  /** The pre-envelope 2025 format: prompts come from response items (there are no events). */
  bare = false;
  sessionMetaSeen = false;
  #generated = 0;
  readonly #limitKeys = new Set<string>();
  #lastLimit: LimitSignal | undefined;

  constructor(readonly source: LogSourceKind) {
    this.unknown = new UnknownRecordTypes(source);
  }

  /** Usage events named with the model of the current turn (the latest `turn_context`), when known. */
  emitUsage(events: readonly LogEventInputOf<'usage'>[]): void {
    const model = this.meta.model;
    for (const e of events) this.out.push(model !== undefined ? { ...e, model } : e);
  }

  emit(...events: LogEventInput[]): void {
    for (const e of events) this.out.push(e);
  }

  /** An id for a call Codex recorded without one; deterministic, so live and backfill agree. */
  generatedId(prefix: string): string {
    this.#generated += 1;
    return `${prefix}-${this.#generated}`;
  }

  /** Between task_started and task_complete / turn_aborted. */
  turnOpen = false;
  /** Turns ended so far in this file. */
  turnsEnded = 0;

  /** Turn start: anything the last turn left waiting is emitted, its unmatched twins forgotten. */
  enterTurn(turnId: string | undefined): void {
    this.turnOpen = true;
    if (turnId !== undefined && turnId === this.turnId) return;
    this.emit(...this.tools.flush());
    this.twins.reset();
    this.turnId = turnId;
  }

  /** Turn end (task_complete, turn_aborted). */
  endTurn(): void {
    if (this.turnOpen) this.turnsEnded += 1;
    this.turnOpen = false;
    this.emit(...this.tools.flush());
  }

  /** One text from one channel, emitted unless it is the twin of an earlier copy (see dedupe.ts). */
  text(kind: 'assistant' | 'reasoning' | 'reasoning_raw', text: string, channel: Channel, messageId?: string): void {
    if (text.trim() === '') return;
    if (!this.twins.admit(kind, text, channel)) return;
    if (kind === 'assistant') this.emit({ type: 'assistant_message', content: text, message_id: messageId ?? null });
    else this.emit({ type: 'reasoning', content: text, message_id: messageId ?? null });
  }

  /** A record type this parser does not know: counted, reported once per type. */
  noteUnknown(type: string, raw: string): void {
    for (const [, event] of this.unknown.note(type, raw)) this.out.push(event);
  }

  status(message: string, data?: unknown): void {
    this.emit({ type: 'provider_status', message, data: data ?? null });
  }

  rateLimits(rateLimits: unknown): void {
    const signal = rateLimitSignal(rateLimits, this.ts);
    if (signal) {
      this.#lastLimit = signal;
      this.#limit(signal);
    }
  }

  /**
   * An error (`event_msg error`, `task_complete.error`): a usage limit becomes
   * usage_limit_hit, anything else a provider_status. The same error reported
   * by both records is reported once.
   */
  error(error: Record<string, unknown>, channel: Channel): void {
    const signal = errorLimitSignal(error, this.#lastLimit);
    if (signal) {
      const incident = this.#limit(signal);
      // Already reported (rate limits at 100 % came first): keep Codex's own words.
      if (incident && typeof error.message === 'string') this.status(`usage limit: ${error.message}`, { ...error, incident_id: incident });
      return;
    }
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
    if (!this.twins.admit('error', message, channel)) return;
    this.status(`error: ${message}`, error);
  }

  /**
   * One usage_limit_hit per turn, however many records say it (rate limits at
   * 100 %, then the failed turn). Returns the incident id when the turn's hit
   * was already reported, undefined when this call reported it.
   */
  #limit(signal: LimitSignal): string | undefined {
    const key = this.turnId ?? `at:${this.ts ?? 'unknown'}`;
    const incident = `codex:${this.meta.sessionId ?? 'unknown'}:${key}`;
    if (this.#limitKeys.has(key)) return incident;
    this.#limitKeys.add(key);
    this.emit(limitEvent(signal, incident));
    return undefined;
  }
}

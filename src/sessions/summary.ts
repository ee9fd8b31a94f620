import { readSessionLog } from '../read/index.js';
import type { AgentLogEvent } from '../schema/index.js';
import type { SessionLogStore } from './types.js';
import { BUNDLED_PRICES, type PriceTable } from './prices.js';
import { UsageTally, usageOf, type UsageTotals } from './usage-tally.js';

/** One thing that went wrong in a session. */
export interface SessionError {
  seq: number;
  ts: string;
  type: string;
  message: string;
}

/** What `summarizeSession` tells of one session. */
export interface SessionSummary {
  /** The first user prompt, on one line, at most 80 characters; null without one. */
  title: string | null;
  /** Models named by session_started, usage events and model notices, in order of appearance. */
  models: string[];
  /** The earliest event time. */
  started_at: string | null;
  /** The session_ended event's time; null while the session has not ended. */
  ended_at: string | null;
  /** From the earliest to the latest event time. */
  duration_ms: number | null;
  events_by_type: Record<string, number>;
  /** tool_call counts per tool name; `failed`: results with success false or an error. */
  tools: Record<string, { calls: number; failed: number }>;
  usage: UsageTotals;
  /** Failed end, usage limits, failed resumes, user events of level error. */
  errors: SessionError[];
}

export interface SummarizeSessionOptions {
  /** Prices for usage without a cost of its own (default: the bundled table). */
  prices?: PriceTable;
  signal?: AbortSignal;
  /** Read the session from this store: the first argument is then its wrapper session id. */
  store?: SessionLogStore;
  /** With `store`: the machine that recorded it (needed when several machines have that id). */
  machine?: string;
}

const TITLE_MAX = 80;

/** Shortens a prompt to one line of at most 80 characters. */
export function titleOf(prompt: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  return line.length <= TITLE_MAX ? line : `${line.slice(0, TITLE_MAX - 1).trimEnd()}…`;
}

/**
 * Reads a session log once and summarizes it (damaged lines are skipped).
 * With `{ store }`, `logPathOrId` is the session's id and its events come from the store.
 */
export async function summarizeSession(logPathOrId: string, options: SummarizeSessionOptions = {}): Promise<SessionSummary> {
  const s = new SummaryBuilder(options.prices ?? BUNDLED_PRICES);
  const signal = options.signal ? { signal: options.signal } : {};
  const events = options.store
    ? options.store.readEvents({ wrapper_session_id: logPathOrId, ...(options.machine !== undefined ? { machine: options.machine } : {}) }, signal)
    : readSessionLog(logPathOrId, { onInvalid: 'skip', ...signal });
  for await (const e of events) s.add(e);
  return s.result();
}

/** Builds a summary from events in log order (a store can feed it rows). */
export class SummaryBuilder {
  readonly #prices: PriceTable;
  #title: string | null = null;
  readonly #models: string[] = [];
  #sessionModel: string | undefined;
  #first: number | undefined;
  #last: number | undefined;
  #firstTs: string | null = null;
  #endedAt: string | null = null;
  readonly #byType: Record<string, number> = {};
  readonly #tools: Record<string, { calls: number; failed: number }> = {};
  readonly #toolNames = new Map<string, string>();
  readonly #usage = new UsageTally();
  readonly #errors: SessionError[] = [];

  constructor(prices: PriceTable) {
    this.#prices = prices;
  }

  #model(m: unknown): void {
    if (typeof m === 'string' && m !== '' && !this.#models.includes(m)) this.#models.push(m);
  }

  add(e: AgentLogEvent): void {
    this.#byType[e.type] = (this.#byType[e.type] ?? 0) + 1;
    const t = Date.parse(e.ts);
    if (!Number.isNaN(t)) {
      if (this.#first === undefined || t < this.#first) {
        this.#first = t;
        this.#firstTs = e.ts;
      }
      if (this.#last === undefined || t > this.#last) this.#last = t;
    }
    const err = (message: string): void => {
      this.#errors.push({ seq: e.seq, ts: e.ts, type: e.type, message });
    };
    switch (e.type) {
      case 'session_started':
        this.#model(e.model);
        this.#sessionModel ??= e.model ?? undefined;
        break;
      case 'user_message':
        if (this.#title === null && e.role === 'user' && e.content.trim() !== '') this.#title = titleOf(e.content);
        break;
      case 'usage': {
        this.#model(e.model);
        const u = usageOf(e, this.#sessionModel, this.#prices);
        this.#usage.add(u.tokens, u.cost);
        break;
      }
      case 'provider_status': {
        const data = e.data;
        if (data !== null && typeof data === 'object' && !Array.isArray(data)) this.#model((data as Record<string, unknown>).model);
        break;
      }
      case 'tool_call': {
        const slot = (this.#tools[e.tool_name] ??= { calls: 0, failed: 0 });
        slot.calls++;
        if (e.tool_id) this.#toolNames.set(e.tool_id, e.tool_name);
        break;
      }
      case 'tool_result': {
        if (e.success !== false && (e.error === null || e.error === '')) break;
        const name = (e.tool_id ? this.#toolNames.get(e.tool_id) : undefined) ?? e.tool_name ?? 'unknown';
        (this.#tools[name] ??= { calls: 0, failed: 0 }).failed++;
        break;
      }
      case 'session_ended':
        this.#endedAt = e.ts;
        if (!e.success) err(e.error ?? 'the session ended unsuccessfully');
        break;
      case 'usage_limit_hit':
        err(`usage limit hit (${e.scope})${e.reset_at ? `, resets ${e.reset_at}` : ''}`);
        break;
      case 'usage_limit_resume_failed':
        err(`resume after a usage limit failed: ${e.error}`);
        break;
      case 'user_event':
        if (e.level === 'error') err(e.message);
        break;
      default:
        break;
    }
  }

  result(): SessionSummary {
    return {
      title: this.#title,
      models: [...this.#models],
      started_at: this.#firstTs,
      ended_at: this.#endedAt,
      duration_ms: this.#first !== undefined && this.#last !== undefined ? this.#last - this.#first : null,
      events_by_type: { ...this.#byType },
      tools: structuredClone(this.#tools),
      usage: this.#usage.totals(),
      errors: [...this.#errors],
    };
  }
}

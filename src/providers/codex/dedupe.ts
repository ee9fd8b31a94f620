/**
 * The de-duplication rule for content Codex records twice.
 *
 * Codex writes most model output twice: once as a `response_item` (what the
 * model sees on the next request) and once as an `event_msg` (what the UI
 * shows): `agent_message` / `agent_reasoning` in the legacy history mode,
 * `item_completed` AgentMessage / Reasoning in the paginated 0.17x mode. The
 * order differs between versions (0.125 writes the event first for messages;
 * 0.171 writes the event first for everything), either copy can be missing
 * (older versions, crashes, hidden reasoning), and ids are not reliable (the
 * legacy event has none; real mock-driven files reuse `msg_…` ids for different
 * messages). So the rule matches on content, not on ids or order:
 *
 * > Within one turn, a text of a given kind (assistant text, reasoning summary,
 * > raw reasoning, compaction) is emitted the first time either channel
 * > (`response` or `event`) reports it. A later report of the same kind and
 * > text from the OTHER channel is that copy's twin and is dropped (one twin per
 * > emission). A repeat from the SAME channel is a real repeat and is emitted.
 *
 * Texts are compared per part: Codex emits one event per response content part
 * (one `agent_message` per `output_text`, one `agent_reasoning` per summary
 * part). Unmatched witnesses are forgotten at each turn start, so a copy missing
 * in one turn can never swallow a genuine message of a later turn.
 */
export type Channel = 'response' | 'event';

export class TwinFilter {
  // key -> [unmatched from response, unmatched from event]
  readonly #open = new Map<string, [number, number]>();

  /** True when this report must be emitted, false when it is the twin of an earlier one. */
  admit(kind: string, text: string, channel: Channel): boolean {
    const key = `${kind}\u0000${text}`;
    const counts = this.#open.get(key) ?? [0, 0];
    const mine = channel === 'response' ? 0 : 1;
    const other = 1 - mine;
    if (counts[other]! > 0) {
      counts[other]! -= 1;
      if (counts[0] === 0 && counts[1] === 0) this.#open.delete(key);
      else this.#open.set(key, counts);
      return false;
    }
    counts[mine]! += 1;
    this.#open.set(key, counts);
    return true;
  }

  /** A new turn starts: unmatched witnesses of the previous one are forgotten. */
  reset(): void {
    this.#open.clear();
  }
}

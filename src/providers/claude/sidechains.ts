import type { LogEventInput } from '../../schema/index.js';
import { arr, obj, str } from '../shared/index.js';
import type { ClaudeRecord } from './context.js';

/** Tools whose call starts a sub-agent: `Task` (Claude Code ≤ 2.0), `Agent` (later). */
const SUBAGENT_TOOLS = new Set(['Task', 'Agent']);

interface PendingTask {
  toolId: string;
  prompt: string;
}

/**
 * Older Claude Code files carry sub-agent runs inline in the main file
 * (`isSidechain: true`, no `agentId`). Each run is a chain of records linked
 * by `parentUuid`: a sidechain record whose parent is not a sidechain record
 * (or null) is the root of a new run. Every run gets its own sub-agent id:
 * the id of the Task/Agent tool call that started it when the root's prompt
 * is that call's `input.prompt` (so its events are marked
 * `subagent:<tool id>:…` and pair with the call), else `sidechain-<root uuid>`,
 * distinct and stable across imports.
 */
export class InlineSidechains {
  /** uuid of each sidechain record seen -> its run's agent id. */
  readonly #agents = new Map<string, string>();
  /** Sub-agent calls of the main agent not yet matched to a run, oldest first. */
  readonly #pending: PendingTask[] = [];
  #anonymous = 0;

  /**
   * Notes one record (after de-duplication, before mapping). Returns the
   * event announcing a new run when `record` is a run's root.
   */
  note(record: ClaudeRecord): LogEventInput | undefined {
    if (record.isSidechain !== true) {
      if (str(record.type) === 'assistant') this.#noteTaskCalls(record);
      return undefined;
    }
    if (str(record.agentId) !== undefined) return undefined; // the file names its runs itself
    const uuid = str(record.uuid);
    const parent = str(record.parentUuid);
    const known = parent === undefined ? undefined : this.#agents.get(parent);
    if (known !== undefined) {
      if (uuid !== undefined) this.#agents.set(uuid, known);
      return undefined;
    }
    const task = this.#matchTask(record);
    const agent = task?.toolId ?? `sidechain-${uuid ?? ++this.#anonymous}`;
    if (uuid !== undefined) this.#agents.set(uuid, agent);
    else this.#agents.set(`#${this.#anonymous}`, agent);
    this.#last = agent;
    return {
      type: 'provider_status',
      message: task ? `sub-agent started by tool call ${task.toolId}` : 'sub-agent started',
      data: { kind: 'subagent_started', parent_tool_id: task?.toolId ?? null, root_uuid: uuid ?? null },
    };
  }

  /** The run id of an inline sidechain record (`note` has seen it). */
  agentOf(record: ClaudeRecord): string {
    const explicit = str(record.agentId);
    if (explicit !== undefined) return explicit;
    const uuid = str(record.uuid);
    return (uuid !== undefined ? this.#agents.get(uuid) : undefined) ?? this.#last ?? 'sidechain';
  }

  /** The run of the last root, for a sidechain record without a uuid. */
  #last: string | undefined;

  #noteTaskCalls(record: ClaudeRecord): void {
    for (const block of arr(obj(record.message)?.content) ?? []) {
      const b = obj(block);
      if (!b || str(b.type) !== 'tool_use' || !SUBAGENT_TOOLS.has(str(b.name) ?? '')) continue;
      const toolId = str(b.id);
      const prompt = str(obj(b.input)?.prompt);
      if (toolId !== undefined && prompt !== undefined) this.#pending.push({ toolId, prompt: prompt.trim() });
    }
  }

  /** The pending call whose prompt is the root's prompt (taken out of the list). */
  #matchTask(record: ClaudeRecord): PendingTask | undefined {
    const text = promptText(record);
    if (text === undefined) return undefined;
    const i = this.#pending.findIndex((t) => t.prompt === text);
    return i < 0 ? undefined : this.#pending.splice(i, 1)[0];
  }
}

/** The text a sidechain root's user message carries (a string, or its text blocks). */
function promptText(record: ClaudeRecord): string | undefined {
  if (str(record.type) !== 'user') return undefined;
  const content = obj(record.message)?.content;
  if (typeof content === 'string') return content.trim();
  const texts = (arr(content) ?? []).flatMap((b) => {
    const t = obj(b);
    return t && str(t.type) === 'text' && str(t.text) !== undefined ? [str(t.text)!] : [];
  });
  return texts.length > 0 ? texts.join('\n').trim() : undefined;
}

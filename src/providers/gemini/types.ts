import type { LogSourceKind } from '../../schema/index.js';
import type { LineParser, ParsedEvent, SessionMeta } from '../shared/index.js';

/** What a Gemini session file says about itself besides its messages. */
export interface GeminiSessionMeta extends SessionMeta {
  /** sha256 of the project root, as Gemini records it. */
  projectHash?: string;
  /** `main` or `subagent` (sub-agent files live in `chats/<parentSessionId>/`). */
  kind?: string;
  /** The session title Gemini generated, when it did. */
  summary?: string;
  directories?: string[];
}

export interface GeminiParserOptions {
  /** Source kind given to every event: `provider_file` (live, default) or `backfill`. */
  source?: LogSourceKind;
  /** Set for a sub-agent's own file: every event is marked with this agent id. */
  agentId?: string;
}

/** The JSONL (v0.39+) parser: one complete line at a time. */
export interface GeminiJsonlParser extends LineParser {
  readonly meta: Readonly<GeminiSessionMeta>;
}

/**
 * The legacy parser: one whole `session-*.json` document at a time. Each
 * snapshot emits only what is new or completed since the previous one.
 */
export interface GeminiSnapshotParser {
  /** Parses and applies one document's text; a text that is not a JSON object yields one parse_warning. */
  pushText(text: string): ParsedEvent[];
  /** Applies one already-parsed document. */
  pushSnapshot(doc: unknown): ParsedEvent[];
  /** End of input: flushes a message still waiting for completion. */
  end(): ParsedEvent[];
  readonly meta: Readonly<GeminiSessionMeta>;
}

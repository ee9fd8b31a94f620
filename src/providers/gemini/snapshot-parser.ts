import { arr, obj, parseWarning, RecordClock, str, type ParsedEvent } from '../shared/index.js';
import { GeminiConversation } from './conversation.js';
import type { GeminiParserOptions, GeminiSnapshotParser } from './types.js';

/**
 * Parser for the legacy whole-file format (Gemini CLI ≤ 0.38): one
 * `session-*.json` document `{sessionId, projectHash, startTime, lastUpdated,
 * messages[]}` rewritten on every change. Each snapshot is diffed by message
 * id against what was already emitted, with the same completion rules as the
 * JSONL parser. Pure: the caller reads the file.
 */
export function createGeminiSnapshotParser(options: GeminiParserOptions = {}): GeminiSnapshotParser {
  const source = options.source ?? 'provider_file';
  const conv = new GeminiConversation(source, options.agentId);
  /** One clock across snapshots: each is the same file, rewritten. */
  const clock = new RecordClock();

  function pushSnapshot(doc: unknown): ParsedEvent[] {
    const d = obj(doc);
    if (!d) return clock.stamp([parseWarning(source, 'gemini session document is not a JSON object', String(JSON.stringify(doc)))]);
    try {
      conv.mergeMeta(d);
      // The document's start times whatever comes before its first timed message.
      if (clock.last === undefined) clock.note(d['startTime']);
      const out: ParsedEvent[] = [];
      const ids: string[] = [];
      for (const raw of arr(d['messages']) ?? []) {
        const rec = obj(raw);
        const id = rec ? str(rec['id']) : undefined;
        if (!rec || id === undefined) {
          out.push(...clock.stamp(conv.unknown('message without id', () => String(JSON.stringify(raw)))));
          continue;
        }
        ids.push(id);
        clock.note(rec['timestamp']);
        out.push(...clock.stamp(conv.upsert(rec, () => JSON.stringify(rec))));
      }
      conv.setOrder(ids);
      return out;
    } catch (err) {
      return clock.stamp([parseWarning(source, `gemini session document not applied: ${(err as Error).message}`, '')]);
    }
  }

  return {
    pushText(text: string): ParsedEvent[] {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        return clock.stamp([parseWarning(source, `invalid gemini session document: ${(err as Error).message}`, text)]);
      }
      if (!obj(doc)) return clock.stamp([parseWarning(source, 'gemini session document is not a JSON object', text)]);
      return pushSnapshot(doc);
    },
    pushSnapshot,
    end(): ParsedEvent[] {
      return clock.end(conv.flush());
    },
    get meta() {
      return conv.meta;
    },
  };
}

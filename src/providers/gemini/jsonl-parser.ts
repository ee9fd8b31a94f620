import { obj, arr, parseJsonLine, parseWarning, RecordClock, str, type ParsedEvent } from '../shared/index.js';
import { GeminiConversation } from './conversation.js';
import type { GeminiJsonlParser, GeminiParserOptions } from './types.js';

/**
 * Parser for Gemini CLI's JSONL session log (v0.39+), replayed top to bottom
 * exactly as the CLI reloads it:
 * - `{"$rewindTo": id}` drops that message and everything after it;
 * - `{"$set": {…}}` merges metadata, and `$set.messages` replaces the list;
 * - a line with a string `id` upserts that message (last write wins);
 * - a line with `sessionId` + `projectHash` is the metadata header, written
 *   again on every resume (the first `startTime` is kept).
 * Pure: no I/O, no clock. A broken line yields one parse_warning.
 */
export function createGeminiJsonlParser(options: GeminiParserOptions = {}): GeminiJsonlParser {
  const source = options.source ?? 'provider_file';
  const conv = new GeminiConversation(source, options.agentId);
  const clock = new RecordClock();
  function events(line: string): ParsedEvent[] {
    const parsed = parseJsonLine(line, source);
    if (!parsed) return [];
    if (!parsed.ok) return [parsed.warning];
    clock.note(recordTimeField(parsed.value));
    try {
      return applyRecord(conv, parsed.value, line);
    } catch (err) {
      // Defensive: untrusted input must never throw out of a parser.
      return [parseWarning(source, `gemini record not applied: ${(err as Error).message}`, line)];
    }
  }
  return {
    push(line: string): ParsedEvent[] {
      return clock.stamp(events(line));
    },
    end(): ParsedEvent[] {
      return clock.end(conv.flush());
    },
    get meta() {
      return conv.meta;
    },
  };
}

function applyRecord(conv: GeminiConversation, rec: Record<string, unknown>, line: string): ParsedEvent[] {
  const rewind = str(rec['$rewindTo']);
  if (rewind !== undefined) return conv.rewindTo(rewind);
  const set = obj(rec['$set']);
  if (set) {
    conv.mergeMeta(set);
    const messages = arr(set['messages']);
    return messages ? conv.replaceMessages(messages) : [];
  }
  if (str(rec['id']) !== undefined) return conv.upsert(rec, line);
  if (str(rec['sessionId']) !== undefined && str(rec['projectHash']) !== undefined) return conv.header(rec);
  return conv.unknown(recordTypeName(rec), line);
}

/**
 * A line's own time: a message's `timestamp`; for a metadata line (the
 * header, written again on resume, or `$set`) the `lastUpdated` it records,
 * else the header's `startTime`.
 */
function recordTimeField(rec: Record<string, unknown>): unknown {
  if (rec['timestamp'] !== undefined) return rec['timestamp'];
  const set = obj(rec['$set']);
  if (set) return set['lastUpdated'];
  return rec['lastUpdated'] ?? rec['startTime'];
}

/** A name for a record we do not understand: its `type`, else its keys. */
function recordTypeName(rec: Record<string, unknown>): string {
  const type = str(rec['type']);
  if (type) return type;
  const keys = Object.keys(rec).slice(0, 3);
  return keys.length > 0 ? `{${keys.join(',')}}` : '{}';
}

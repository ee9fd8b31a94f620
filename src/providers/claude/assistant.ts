import { arr, obj, str } from '../shared/index.js';
import { shortText } from './classify.js';
import { limitEvent, type ClaudeRecord, type MapContext } from './context.js';
import { claudeToolKind } from './tool-kinds.js';
import { limitFromApiError, limitFromText } from './usage-limits.js';

const SYNTHETIC = '<synthetic>';
const OLD_LIMIT_TEXT = /^Claude AI (?:\w+ )?usage limit reached\|/;

function blocksOf(message: Record<string, unknown> | undefined): unknown[] {
  const content = message?.content;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return arr(content) ?? [];
}

function textOf(blocks: unknown[]): string {
  return blocks
    .map((b) => str(obj(b)?.text))
    .filter((t): t is string => t !== undefined)
    .join('\n');
}

/**
 * Maps an `assistant` line (Claude writes one line per content block).
 * API-error lines made by the CLI (`isApiErrorMessage`) are not model output:
 * a rate/usage limit becomes usage_limit_hit, any other error provider_status.
 */
export function mapAssistant(ctx: MapContext, record: ClaudeRecord, rawLine: string): void {
  const message = obj(record.message);
  const model = str(message?.model);
  const blocks = blocksOf(message);
  if (model && model !== SYNTHETIC) ctx.noteModel(model);

  if (record.isApiErrorMessage === true) {
    const text = textOf(blocks);
    const limit = limitFromApiError(record, text);
    if (limit) {
      ctx.emit(limitEvent(ctx, record, limit), record);
    } else {
      ctx.emit(
        {
          type: 'provider_status',
          message: `api_error: ${shortText(text || str(record.error) || 'unknown')}`,
          data: {
            kind: 'api_error',
            error: record.error ?? null,
            status: record.apiErrorStatus ?? null,
            content: text,
          },
        },
        record,
      );
    }
    return;
  }

  const messageId = str(message?.id) ?? null;
  for (const raw of blocks) {
    const block = obj(raw);
    const type = str(block?.type);
    if (!block || !type) continue;
    switch (type) {
      case 'text': {
        const text = str(block.text) ?? '';
        if (text.trim() === '') break;
        const limit = model === SYNTHETIC || OLD_LIMIT_TEXT.test(text) ? limitFromText(text) : undefined;
        if (limit) ctx.emit(limitEvent(ctx, record, limit), record);
        else ctx.emit({ type: 'assistant_message', content: text, message_id: messageId }, record);
        break;
      }
      case 'thinking':
        ctx.emit({ type: 'reasoning', content: str(block.thinking) ?? '', message_id: messageId }, record);
        break;
      case 'redacted_thinking':
        ctx.emit({ type: 'reasoning', content: '[redacted thinking]', message_id: messageId }, record);
        break;
      case 'tool_use':
      case 'server_tool_use':
      case 'mcp_tool_use': {
        const name = str(block.name) ?? 'unknown';
        const id = str(block.id);
        const kind = claudeToolKind(name);
        if (id !== undefined) ctx.tools.set(id, { name, kind });
        ctx.emit(
          { type: 'tool_call', tool_name: name, tool_kind: kind, tool_id: id ?? null, input: block.input ?? null },
          record,
        );
        break;
      }
      default:
        if (type.endsWith('_tool_result')) mapServerToolResult(ctx, record, block);
        else ctx.unknown(`assistant content block: ${type}`, rawLine);
    }
  }
}

/** Results of server-side tools (web search/fetch) arrive inside the assistant message. */
function mapServerToolResult(ctx: MapContext, record: ClaudeRecord, block: Record<string, unknown>): void {
  const id = str(block.tool_use_id);
  const tool = id === undefined ? undefined : ctx.tools.get(id);
  const errorType = str(obj(block.content)?.type);
  const failed = errorType?.endsWith('_error') === true;
  ctx.emit(
    {
      type: 'tool_result',
      tool_name: tool?.name ?? null,
      ...(tool ? { tool_kind: tool.kind } : {}),
      tool_id: id ?? null,
      success: !failed,
      output: null,
      error: failed ? (str(obj(block.content)?.error_code) ?? errorType) : null,
      data: block.content ?? null,
    },
    record,
  );
}

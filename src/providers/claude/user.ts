import { arr, obj, str } from '../shared/index.js';
import { classifyUserText, tagValue, taskNotificationData, type UserTextKind } from './classify.js';
import { textStatus, type ClaudeRecord, type MapContext } from './context.js';

/**
 * Maps a `user` line. Only typed prompts become user_message; tool results
 * become tool_result (named from the matching tool_use); everything else the
 * CLI writes as "user" (isMeta, compact summaries, command caveats/output,
 * task notifications, interruption markers) becomes provider_status.
 */
export function mapUser(ctx: MapContext, record: ClaudeRecord): void {
  const message = obj(record.message);
  const content = message?.content;
  if (typeof content === 'string') {
    mapUserText(ctx, record, content);
    return;
  }
  const blocks = arr(content);
  if (!blocks) return;
  let parts: string[] = [];
  const toolResults = blocks.filter((b) => str(obj(b)?.type) === 'tool_result').length;
  for (const raw of blocks) {
    const block = obj(raw);
    const type = str(block?.type);
    if (!block || !type) continue;
    if (type === 'tool_result') {
      if (parts.length > 0) mapUserText(ctx, record, parts.join('\n'));
      parts = [];
      mapToolResult(ctx, record, block, toolResults === 1);
    } else if (type === 'text') {
      parts.push(str(block.text) ?? '');
    } else {
      parts.push(`[${type}]`); // image, document: the text stays readable without the bytes
    }
  }
  if (parts.length > 0) mapUserText(ctx, record, parts.join('\n'));
}

function mapUserText(ctx: MapContext, record: ClaudeRecord, text: string): void {
  if (record.isCompactSummary === true) {
    ctx.emit(textStatus('compact_summary', text), record);
    return;
  }
  if (record.isMeta === true) {
    ctx.emit(textStatus('meta', text), record);
    return;
  }
  const origin = str(obj(record.origin)?.kind);
  const kind: UserTextKind = origin === 'task-notification' ? 'task_notification' : classifyUserText(text);
  emitUserText(ctx, record, text, kind);
}

/** Emits user-side text of a known kind: a prompt, or a status saying what it is. */
export function emitUserText(ctx: MapContext, record: ClaudeRecord, text: string, kind: UserTextKind): void {
  if (kind === 'prompt') {
    if (text.trim() === '') return;
    ctx.emit({ type: 'user_message', role: 'user', content: text, message_id: str(record.uuid) ?? null }, record);
  } else if (kind === 'task_notification') {
    const data = taskNotificationData(text);
    ctx.emit(
      {
        type: 'provider_status',
        message: `task_notification: ${data.summary ?? data.status ?? 'background task update'}`,
        data: { kind, ...data, content: text },
      },
      record,
    );
  } else if (kind === 'slash_command') {
    const command = tagValue(text, 'command-name') ?? '';
    const args = tagValue(text, 'command-args') ?? '';
    ctx.emit(textStatus(kind, `${command} ${args}`.trim(), { command, args, content: text }), record);
  } else {
    ctx.emit(textStatus(kind, text), record);
  }
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  const blocks = arr(content);
  if (!blocks) return content === undefined || content === null ? '' : JSON.stringify(content);
  return blocks
    .map((raw) => {
      const block = obj(raw);
      if (str(block?.type) === 'text') return str(block?.text) ?? '';
      return `[${str(block?.type) ?? 'block'}]`;
    })
    .join('\n');
}

function mapToolResult(ctx: MapContext, record: ClaudeRecord, block: Record<string, unknown>, own: boolean): void {
  const id = str(block.tool_use_id);
  const tool = id === undefined ? undefined : ctx.tools.get(id);
  const failed = block.is_error === true;
  const text = resultText(block.content);
  // The structured result belongs to the line; attach it only when the line has one result.
  const data = own ? (record.toolUseResult ?? record.tool_use_result ?? null) : null;
  ctx.emit(
    {
      type: 'tool_result',
      tool_name: tool?.name ?? null,
      ...(tool ? { tool_kind: tool.kind } : {}),
      tool_id: id ?? null,
      success: !failed,
      output: failed ? null : text,
      error: failed ? text : null,
      data,
    },
    record,
  );
}

/**
 * An `attachment/queued_command`: a prompt typed (or a background task that
 * finished) while the agent was busy, delivered mid-turn without a user line.
 */
export function mapQueuedCommand(ctx: MapContext, record: ClaudeRecord, attachment: Record<string, unknown>): void {
  const prompt = attachment.prompt;
  const text = typeof prompt === 'string' ? prompt : resultText(prompt);
  const mode = str(attachment.commandMode);
  const origin = str(obj(attachment.origin)?.kind);
  if (mode === 'task-notification' || origin === 'task-notification') {
    emitUserText(ctx, record, text, 'task_notification');
  } else if (mode === undefined || mode === 'prompt') {
    emitUserText(ctx, record, text, classifyUserText(text));
  } else {
    ctx.emit(textStatus('queued_command', text, { command_mode: mode }), record);
  }
}

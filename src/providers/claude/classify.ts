/**
 * What a piece of user-side text is. Claude writes many things as `user`
 * lines that the user never typed: command caveats and output, system
 * reminders, background-task notifications, interruption markers.
 */
export type UserTextKind =
  | 'prompt'
  | 'slash_command'
  | 'command_output'
  | 'command_caveat'
  | 'system_reminder'
  | 'task_notification'
  | 'bash_input'
  | 'bash_output'
  | 'interrupted';

const PREFIXES: ReadonlyArray<[string, UserTextKind]> = [
  ['<command-name>', 'slash_command'],
  ['<command-message>', 'slash_command'],
  ['<local-command-stdout>', 'command_output'],
  ['<local-command-stderr>', 'command_output'],
  ['<local-command-caveat>', 'command_caveat'],
  ['<system-reminder>', 'system_reminder'],
  ['<task-notification>', 'task_notification'],
  ['<bash-input>', 'bash_input'],
  ['<bash-stdout>', 'bash_output'],
  ['<bash-stderr>', 'bash_output'],
  ['[Request interrupted by user', 'interrupted'],
];

/** Classifies the text of a user line (not a tool result, not isMeta). */
export function classifyUserText(text: string): UserTextKind {
  const t = text.trimStart();
  if (t.charCodeAt(0) !== 60 /* < */ && t.charCodeAt(0) !== 91 /* [ */) return 'prompt';
  for (const [prefix, kind] of PREFIXES) {
    if (t.startsWith(prefix)) return kind;
  }
  return 'prompt';
}

/** The text inside the first `<tag>…</tag>`, or undefined. */
export function tagValue(text: string, tag: string): string | undefined {
  const open = `<${tag}>`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const end = text.indexOf(`</${tag}>`, start + open.length);
  if (end < 0) return undefined;
  return text.slice(start + open.length, end);
}

/** The fields of a `<task-notification>` (background sub-agent finished). */
export function taskNotificationData(text: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [tag, key] of [
    ['task-id', 'task_id'],
    ['tool-use-id', 'tool_use_id'],
    ['status', 'status'],
    ['summary', 'summary'],
    ['result', 'result'],
  ] as const) {
    const v = tagValue(text, tag);
    if (v !== undefined) data[key] = v;
  }
  return data;
}

/** One line of at most `max` characters, for provider_status messages. */
export function shortText(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

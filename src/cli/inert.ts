/**
 * Makes text from provider files and agent output inert on a terminal. Tool
 * results carry whatever the agent read: escape sequences that clear the
 * screen, set the window title or write the clipboard (OSC 52) would act on
 * the user's terminal if printed raw. Every control character is shown
 * instead as a visible escape: ESC as `\x1b`, a C1 control as `\u009b`.
 *
 * Whole-text output keeps newlines and tabs (`keepLayout`); one-line output
 * escapes them too. `--json` output does not come here: JSON already escapes
 * every control character (C1 aside, which the JSON text carries as is and a
 * JSON consumer, not a terminal, reads).
 */

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// The same without '\n' and '\t'.
// eslint-disable-next-line no-control-regex
const CONTROL_KEEP_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with each control character replaced by a visible escape. With
 * `keepLayout`, '\n' and '\t' stay (a '\r' does not: it would let a line
 * overwrite what came before it).
 */
export function inert(text: string, options: { keepLayout?: boolean } = {}): string {
  const re = options.keepLayout ? CONTROL_KEEP_LAYOUT : CONTROL;
  re.lastIndex = 0;
  return re.test(text) ? text.replace(re, visible) : text;
}

/**
 * The successive states of a legacy `session-*.json` document, in the order
 * Gemini CLI ≤ 0.38 rewrote it: each message is added, then a gemini message
 * gets its tokens, then its finished tool calls, one batch after another.
 */
type Rec = Record<string, any>;

export function legacySnapshots(finalDoc: Rec): Rec[] {
  const docs: Rec[] = [];
  const done: Rec[] = [];
  const push = (last: Rec | undefined, lastUpdated: string | undefined) =>
    docs.push({ ...finalDoc, lastUpdated: lastUpdated ?? finalDoc.startTime, messages: last ? [...done, last] : [...done] });
  push(undefined, finalDoc.startTime);
  for (const m of finalDoc.messages as Rec[]) {
    if (m.type === 'gemini') {
      const { tokens, toolCalls, ...bare } = m;
      push(bare, m.timestamp);
      if (tokens) push({ ...bare, tokens }, m.timestamp);
      // The CLI records tool calls when they complete, a batch at a time, on the same message.
      for (let k = 1; k < (toolCalls?.length ?? 0); k++) {
        push({ ...bare, ...(tokens ? { tokens } : {}), toolCalls: toolCalls.slice(0, k) }, m.timestamp);
      }
    }
    push(m, m.timestamp);
    done.push(m);
  }
  return docs;
}

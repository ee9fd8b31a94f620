import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The envelope's `ts` is the second key of every line: found without parsing the line. */
const TS = /^\{"seq":\d+,"ts":"([^"]{10,40})"/;

/**
 * True when the events of a log fall on more than one local calendar day, so
 * that `show` can print dates only when times alone would be ambiguous. A
 * quick pass over the file that reads each line's `ts` without parsing it.
 */
export async function spansDays(logPath: string, signal?: AbortSignal): Promise<boolean> {
  let day: string | undefined;
  const stream = createReadStream(logPath, { encoding: 'utf8', ...(signal ? { signal } : {}) });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const ts = TS.exec(line)?.[1];
      if (ts === undefined) continue;
      const d = new Date(ts);
      if (Number.isNaN(d.getTime())) continue;
      const local = `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
      if (day === undefined) day = local;
      else if (local !== day) return true;
    }
    return false;
  } catch {
    // The real read that follows reports a missing or unreadable file with its own message.
    return false;
  } finally {
    lines.close();
    stream.destroy();
  }
}

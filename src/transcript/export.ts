/**
 * Transcripts of a session log: `renderTranscript` for events already in
 * hand, `exportSession` for a log file.
 */
import { SessionLogError } from '../errors.js';
import { readSessionLog } from '../read/index.js';
import type { AgentLogEvent } from '../schema/index.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildTranscript } from './model.js';
import { checkTimeZone } from './time.js';

export const TRANSCRIPT_FORMATS = ['markdown', 'html'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export interface TranscriptOptions {
  format: TranscriptFormat;
  /** IANA time zone for the times shown (default `UTC`: an exported file travels). */
  timeZone?: string;
}

export interface ExportSessionOptions extends TranscriptOptions {
  signal?: AbortSignal;
}

function check(options: TranscriptOptions): void {
  if (!(TRANSCRIPT_FORMATS as readonly string[]).includes(options.format)) {
    throw new SessionLogError('ERR_INVALID_OPTION', `unknown transcript format '${String(options.format)}' (markdown or html)`);
  }
  try {
    checkTimeZone(options.timeZone ?? 'UTC');
  } catch {
    throw new SessionLogError('ERR_INVALID_OPTION', `unknown time zone '${options.timeZone}'`);
  }
}

/**
 * A session's events as one self-contained document: Markdown, or an HTML page
 * (inline CSS, no script, no external resource). `skipped` names damaged lines
 * to warn about in the transcript.
 *
 * @example
 * const html = renderTranscript(events, { format: 'html' });
 */
export function renderTranscript(
  events: Iterable<AgentLogEvent>,
  options: TranscriptOptions,
  skipped: readonly string[] = [],
): string {
  check(options);
  const transcript = buildTranscript(events, skipped);
  const render = options.timeZone !== undefined ? { timeZone: options.timeZone } : {};
  return options.format === 'html' ? renderHtml(transcript, render) : renderMarkdown(transcript, render);
}

/**
 * Reads a session log and renders it (see `renderTranscript`). A damaged line
 * does not stop the export: it is left out and named in the transcript.
 *
 * @example
 * await writeFile('session.html', await exportSession(logPath, { format: 'html' }));
 */
export async function exportSession(logPath: string, options: ExportSessionOptions): Promise<string> {
  check(options);
  const events: AgentLogEvent[] = [];
  const skipped: string[] = [];
  const read = readSessionLog(logPath, {
    onInvalid: 'skip',
    onSkip: (e) => skipped.push(e.message),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for await (const ev of read) events.push(ev);
  if (options.signal?.aborted) throw new SessionLogError('ERR_ABORTED', 'export aborted');
  return renderTranscript(events, options, skipped);
}

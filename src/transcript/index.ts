export { exportSession, renderTranscript, TRANSCRIPT_FORMATS } from './export.js';
export type { ExportSessionOptions, TranscriptFormat, TranscriptOptions } from './export.js';
export { buildTranscript, formatDuration } from './model.js';
export type { Transcript, TranscriptItem, TranscriptTool, TranscriptUsage } from './model.js';

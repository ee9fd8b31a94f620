export { LineTailer, type LineTailerOptions, type TailReadResult } from './line-tailer.js';
export { readLines, type ReadLinesOptions, type LineRecord } from './read-lines.js';
export { DEFAULT_MAX_LINE_BYTES, parseOversizeLine } from './oversize-line.js';
export { DEFAULT_MAX_WHOLE_FILE_BYTES, notRegularReason } from './safe-open.js';

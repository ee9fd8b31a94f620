export { LineTailer, type LineTailerOptions, type TailReadResult } from './line-tailer.js';
export { readLines, type ReadLinesOptions, type LineRecord } from './read-lines.js';

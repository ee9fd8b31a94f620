import { SessionLogError } from '../errors.js';

/**
 * A complete line of a session log that is not a valid event. It is a
 * `SessionLogError` with code `ERR_CORRUPT_LINE`, so `err.code` checks keep
 * working; `lineNo` (1-based) and `path` say where the line is, because a
 * person fixing a log needs the location more than the parser's complaint.
 */
export class SessionLogLineError extends SessionLogError {
  readonly path: string;
  readonly lineNo: number;
  /** The offending line, cut to 200 characters so a huge line does not flood a terminal. */
  readonly line: string;

  constructor(path: string, lineNo: number, line: string, reason: string) {
    super('ERR_CORRUPT_LINE', `${path}:${lineNo}: corrupt session log line: ${reason}`);
    this.name = 'SessionLogLineError';
    this.path = path;
    this.lineNo = lineNo;
    this.line = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  }
}

import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';

/** Makes a FIFO at `path` (mkfifo(1): Node has no mkfifo of its own). */
export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** Makes `path` a symlink to /dev/zero: endless bytes, no newline, never an end of file. */
export function linkToDevZero(path: string): void {
  symlinkSync('/dev/zero', path);
}

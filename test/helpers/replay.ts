import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./chunked-append.mjs', import.meta.url));

export interface ReplayOptions {
  seed?: number;
  /** Largest chunk in bytes (default 512). */
  maxChunk?: number;
  /** Longest pause between chunks in ms (default 15). */
  maxDelayMs?: number;
}

/**
 * Appends `source` to `dest` from a real child process, in random chunks at
 * random intervals, and resolves when the child has written everything.
 */
export function replayInChunks(source: string, dest: string, options: ReplayOptions = {}): Promise<void> {
  const args = [
    SCRIPT,
    source,
    dest,
    String(options.seed ?? 1),
    String(options.maxChunk ?? 512),
    String(options.maxDelayMs ?? 15),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`chunked-append exited ${code}: ${stderr}`)),
    );
  });
}

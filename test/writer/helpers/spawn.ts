import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node <fixture> ...args` and collects its output. */
export function startFixture(fixture: string, args: string[]): { child: ChildProcess; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, [path.join(FIXTURES, fixture), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs a fixture to completion; rejects if it fails. */
export async function runFixture(fixture: string, args: string[]): Promise<string> {
  const r = await startFixture(fixture, args).done;
  if (r.code !== 0) throw new Error(`${fixture} exited ${r.code ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest stretch of synchronous work before the event loop gets a turn (timers, I/O, abort signals). */
const TURN_MS = 20;
let lastTurn = performance.now();

/**
 * Lets the event loop run (one setImmediate) when it has not had a turn from
 * us for TURN_MS. History import reads, parses and writes with synchronous
 * calls in bounded steps (one chunk, one buffer); awaiting resolved promises
 * between them never lets timers or I/O callbacks run, so every loop made of
 * such steps calls this between them. Costs one clock read otherwise.
 */
export async function giveTurnIfDue(): Promise<void> {
  if (performance.now() - lastTurn < TURN_MS) return;
  await nextTurn();
  lastTurn = performance.now();
}

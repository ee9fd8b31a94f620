import type { LiveLogAdapter, LogSink } from '../../src/index.js';
import { LineTailer } from '../../src/tail/index.js';

/** One scripted poll: emit some messages, or throw. */
export type PollStep = { emit?: string[]; throw?: string };

/**
 * Test-only adapter that follows a script, one step per poll (the last step
 * repeats), and records every call with its time.
 */
export class ScriptedAdapter implements LiveLogAdapter {
  readonly pollTimes: number[] = [];
  finalizeCalls = 0;
  concurrent = 0;
  maxConcurrent = 0;
  #steps: PollStep[];
  #finalize: PollStep | null;
  #pollDelayMs: number;

  constructor(steps: PollStep[], options: { finalize?: PollStep; pollDelayMs?: number } = {}) {
    this.#steps = steps.length > 0 ? steps : [{}];
    this.#finalize = options.finalize ?? null;
    this.#pollDelayMs = options.pollDelayMs ?? 0;
    if (this.#finalize) this.finalize = (w) => this.#runFinalize(w);
  }

  finalize?: (writer: LogSink) => Promise<void>;

  get polls(): number {
    return this.pollTimes.length;
  }

  async poll(writer: LogSink): Promise<void> {
    this.pollTimes.push(performance.now());
    this.concurrent += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    try {
      if (this.#pollDelayMs > 0) await new Promise((r) => setTimeout(r, this.#pollDelayMs));
      const step = this.#steps[Math.min(this.pollTimes.length - 1, this.#steps.length - 1)] ?? {};
      this.#apply(writer, step, 'poll');
    } finally {
      this.concurrent -= 1;
    }
  }

  async #runFinalize(writer: LogSink): Promise<void> {
    this.finalizeCalls += 1;
    this.#apply(writer, this.#finalize ?? {}, 'finalize');
  }

  #apply(writer: LogSink, step: PollStep, from: string): void {
    for (const content of step.emit ?? []) {
      writer.emit('provider_file', { type: 'assistant_message', content: `${from}:${content}` });
    }
    if (step.throw !== undefined) throw new Error(step.throw);
  }
}

/**
 * Test-only adapter over a real file: tails it with LineTailer and emits one
 * assistant_message per complete line. `watchPaths` returns whatever
 * `watch` says (settable, to model an adapter that discovers its file late).
 */
export class FileLinesAdapter implements LiveLogAdapter {
  readonly pollTimes: number[] = [];
  finalizeCalls = 0;
  watch: string[];
  #tailer: LineTailer | null;

  constructor(file: string | null, watch: string[] = file ? [file] : []) {
    this.#tailer = file ? new LineTailer(file) : null;
    this.watch = watch;
  }

  /** Starts tailing `file` (what discovery does in a real adapter). */
  discover(file: string, watch: string[] = [file]): void {
    this.#tailer = new LineTailer(file);
    this.watch = watch;
  }

  watchPaths(): string[] {
    return this.watch;
  }

  async poll(writer: LogSink): Promise<void> {
    this.pollTimes.push(performance.now());
    await this.#read(writer, false);
  }

  async finalize(writer: LogSink): Promise<void> {
    this.finalizeCalls += 1;
    await this.#read(writer, true);
    await this.#tailer?.close();
  }

  async #read(writer: LogSink, flush: boolean): Promise<void> {
    if (!this.#tailer) return;
    for (;;) {
      const { lines, more } = await this.#tailer.read({ flush });
      for (const line of lines) writer.emit('provider_file', { type: 'assistant_message', content: line });
      if (!more) return;
    }
  }
}

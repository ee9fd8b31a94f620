import type { ParsedEvent } from './types.js';

const SAMPLE_CHARS = 300;

/**
 * Formats drift every release. A record type we do not know is never fatal and
 * never silently dropped: each new type is reported once per session as a
 * provider_status with a short sample, and every occurrence is counted.
 */
export class UnknownRecordTypes {
  readonly #counts = new Map<string, number>();

  constructor(private readonly source: ParsedEvent[0] = 'provider_file') {}

  /** Counts one record of `type`; returns a provider_status the first time the type is seen. */
  note(type: string, rawLine: string): ParsedEvent[] {
    const seen = this.#counts.get(type) ?? 0;
    this.#counts.set(type, seen + 1);
    if (seen > 0) return [];
    return [
      [
        this.source,
        {
          type: 'provider_status',
          message: `unknown record type: ${type}`,
          data: { unknown_record_type: type, sample: rawLine.slice(0, SAMPLE_CHARS) },
        },
      ],
    ];
  }

  /** How many records of each unknown type were seen. */
  counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }
}

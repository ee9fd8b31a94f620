import type { FieldMode, FieldTable } from './fields.js';
import { KIND_FIELDS, LOG_EVENT_TYPES, type LogEventKind, type LogEventType } from './kinds.js';

interface Field {
  key: string;
  mode: FieldMode;
  test: (value: unknown) => boolean;
  default: unknown;
}

type Compiled = Field[] | null;

function compile(table: FieldTable): Compiled {
  const fields: Field[] = [];
  for (const key in table) {
    const spec = table[key]!;
    if (!spec.test) return null; // no cheap equivalent: this kind always goes through zod
    fields.push({ key, mode: spec.mode, test: spec.test, default: spec.default });
  }
  return fields;
}

const COMPILED = new Map<string, Compiled>(
  LOG_EVENT_TYPES.map((type) => [type, compile(KIND_FIELDS[type] as FieldTable)]),
);

/**
 * The result zod's kind schema would give for `input`, computed with plain
 * checks, or `undefined` whenever the input is anything but a plain, valid
 * event (then zod decides, and words the error). Same output as zod: a new
 * object with `type` and the kind's fields in table order, unknown keys
 * dropped, `null` for absent `null`-mode fields, defaults filled in, and an
 * `undefined` value for an `omit`/`skip` field whose key is present but empty.
 *
 * Why: zod costs a few microseconds per event, as much as writing the line;
 * emit and backfill validate every event, and nearly all of them are valid.
 * test/schema/normalize-fast-path.test.ts checks it against zod.
 */
export function normalizeFast(type: LogEventType, input: object): LogEventKind | undefined {
  const fields = COMPILED.get(type);
  if (!fields) return undefined;
  const proto = Object.getPrototypeOf(input) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const values = input as Record<string, unknown>;
  const out: Record<string, unknown> = { type };
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = values[f.key];
    if (v === undefined || v === null) {
      switch (f.mode) {
        case 'null':
          out[f.key] = null;
          break;
        case 'def':
          out[f.key] = f.default;
          break;
        case 'omit':
          if (f.key in values) out[f.key] = undefined;
          break;
        case 'skip':
          if (v === null) return undefined;
          if (f.key in values) out[f.key] = undefined;
          break;
        default:
          return undefined;
      }
    } else if (f.test(v)) {
      out[f.key] = v;
    } else {
      return undefined;
    }
  }
  return out as LogEventKind;
}

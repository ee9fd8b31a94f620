import { z } from 'zod';

/**
 * How a field is written, mirroring serde in zag:
 * - `req`: always written;
 * - `null`: `Option<T>` without skip: written as `null` when absent;
 * - `omit`: `skip_serializing_if = "Option::is_none"`: left out when absent;
 * - `def`: `#[serde(default)]` with a non-null default, always written;
 * - `skip`: accepted on input but never written (usage_limit_hit's `provider`).
 */
export type FieldMode = 'req' | 'null' | 'omit' | 'def' | 'skip';

/** `f64` fields are written the way serde_json writes floats (`1.0`, not `1`). */
export type FieldFormat = 'plain' | 'f64';

export interface FieldSpec<Z extends z.ZodType = z.ZodType> {
  readonly zod: Z;
  readonly mode: FieldMode;
  readonly format: FieldFormat;
  /**
   * A plain predicate equivalent to the base schema for present values, or
   * null when there is none: the normalizer's fast path (see normalize.ts)
   * uses it and leaves every doubtful input to zod.
   */
  readonly test: ((value: unknown) => boolean) | null;
  /** `def` fields: the value written when the field is absent or null. */
  readonly default?: unknown;
}

const TESTS = new WeakMap<z.ZodType, (value: unknown) => boolean>();

/** Registers `test` as the cheap equivalent of `zod` (accepts exactly what `zod` accepts, unchanged). */
export function checked<Z extends z.ZodType>(zod: Z, test: (value: unknown) => boolean): Z {
  TESTS.set(zod, test);
  return zod;
}

const testOf = (zod: z.ZodType) => TESTS.get(zod) ?? null;

export const req = <Z extends z.ZodType>(zod: Z): FieldSpec<Z> => ({ zod, mode: 'req', format: 'plain', test: testOf(zod) });

/** Optional on input; read back as `null` whether the line had `null` or no key. */
export const nul = <Z extends z.ZodType>(zod: Z) =>
  ({
    zod: zod.nullish().transform((v) => (v === undefined ? null : v)),
    mode: 'null',
    format: 'plain',
    test: testOf(zod),
  }) as const satisfies FieldSpec;

export const omit = <Z extends z.ZodType>(zod: Z) =>
  ({
    // Readers accept an explicit null too (a writer that does not skip).
    zod: zod.nullish().transform((v) => (v === null ? undefined : v)),
    mode: 'omit',
    format: 'plain',
    test: testOf(zod),
  }) as const satisfies FieldSpec;

export const def = <Z extends z.ZodType>(zod: Z, value: z.output<Z>) =>
  ({
    zod: zod.nullish().transform((v) => (v === undefined || v === null ? value : v)),
    mode: 'def',
    format: 'plain',
    test: testOf(zod),
    default: value,
  }) as const satisfies FieldSpec;

export const skip = <Z extends z.ZodType>(zod: Z) =>
  ({ zod: zod.optional(), mode: 'skip', format: 'plain', test: testOf(zod) }) as const satisfies FieldSpec;

export const asF64 = <S extends FieldSpec>(spec: S): S => ({ ...spec, format: 'f64' });

/** Any JSON value (serde_json::Value). */
export const json = () => checked(z.unknown(), () => true);
/** u64 / u32 in zag. zod's `int()` means a safe integer; -0 is left to zod. */
export const uint = () =>
  checked(z.number().int().nonnegative(), (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0));

export type FieldTable = Record<string, FieldSpec>;

export type ShapeOf<T extends FieldTable> = { [K in keyof T]: T[K]['zod'] };

export function shapeOf<T extends FieldTable>(table: T): ShapeOf<T> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, spec] of Object.entries(table)) shape[key] = spec.zod;
  return shape as ShapeOf<T>;
}

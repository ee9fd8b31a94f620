import type { z } from 'zod';
import { zod } from './lazy.js';

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
  /** The field's zod schema, built on first read (see lazy.ts for why zod is loaded late). */
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

/** A field's base type: how to build its zod schema, and the cheap test that accepts exactly the same values. */
export interface FieldBase<Z extends z.ZodType> {
  readonly build: () => Z;
  readonly test: ((value: unknown) => boolean) | null;
}

/** `build`'s schema, with `test` as its cheap equivalent (accepts exactly what it accepts, unchanged). */
export const checked = <Z extends z.ZodType>(build: () => Z, test: (value: unknown) => boolean): FieldBase<Z> => ({
  build,
  test,
});

function spec<M extends FieldMode, Z extends z.ZodType>(
  mode: M,
  build: () => Z,
  test: FieldBase<z.ZodType>['test'],
  extra: { default?: unknown } = {},
): { readonly zod: Z; readonly mode: M; readonly format: 'plain'; readonly test: FieldSpec['test']; readonly default?: unknown } {
  let built: Z | undefined;
  return {
    mode,
    format: 'plain',
    test,
    ...extra,
    get zod(): Z {
      return (built ??= build());
    },
  };
}

export const req = <Z extends z.ZodType>(base: FieldBase<Z>) => spec('req', base.build, base.test);

/** Optional on input; read back as `null` whether the line had `null` or no key. */
export const nul = <Z extends z.ZodType>(base: FieldBase<Z>) =>
  spec('null', () => base.build().nullish().transform((v) => (v === undefined ? null : v)), base.test);

export const omit = <Z extends z.ZodType>(base: FieldBase<Z>) =>
  // Readers accept an explicit null too (a writer that does not skip).
  spec('omit', () => base.build().nullish().transform((v) => (v === null ? undefined : v)), base.test);

export const def = <Z extends z.ZodType>(base: FieldBase<Z>, value: z.output<Z>) =>
  spec(
    'def',
    () => base.build().nullish().transform((v) => (v === undefined || v === null ? value : v)),
    base.test,
    { default: value },
  );

export const skip = <Z extends z.ZodType>(base: FieldBase<Z>) => spec('skip', () => base.build().optional(), base.test);

/** The same spec written as an f64; keeps the spec's schema unbuilt. */
export const asF64 = <S extends FieldSpec>(s: S): S =>
  Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(s), format: { value: 'f64', enumerable: true } }) as S;

/** Any JSON value (serde_json::Value). */
export const json = () => checked(() => zod().unknown(), () => true);
/** u64 / u32 in zag. zod's `int()` means a safe integer; -0 is left to zod. */
export const uint = () =>
  checked(
    () => zod().number().int().nonnegative(),
    (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0),
  );

export type FieldTable = Record<string, FieldSpec>;

export type ShapeOf<T extends FieldTable> = { [K in keyof T]: T[K]['zod'] };

export function shapeOf<T extends FieldTable>(table: T): ShapeOf<T> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, s] of Object.entries(table)) shape[key] = s.zod;
  return shape as ShapeOf<T>;
}

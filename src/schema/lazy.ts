import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { z as Z } from 'zod';

/**
 * zod, loaded on first use instead of at import.
 *
 * Why: loading zod's build costs about as much as Node's own start (~0.1 s on
 * these machines), and most processes that load this package never need it:
 * the writer and the readers check plain, valid events with the cheap field
 * tests of `fields.ts`, and only doubtful input, or a caller touching one of
 * the exported schemas, needs zod. The ES module is required synchronously
 * (Node >= 20.19 loads ES modules with `require`), so this is the very module
 * instance that `import { z } from 'zod'` gives the caller: schemas mix freely.
 */
let loaded: typeof Z | undefined;

export function zod(): typeof Z {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    const mod = require(fileURLToPath(import.meta.resolve('zod'))) as { z: typeof Z };
    loaded = mod.z;
  }
  return loaded;
}

/**
 * A value built on first use, standing in for it meanwhile: every property
 * read, `in` test, key listing and `instanceof` goes to the built value, and
 * its methods run with the built value as `this`. Used for the exported zod
 * schemas, so that importing the package does not load zod.
 */
export function lazy<T extends object>(build: () => T): T {
  let real: T | undefined;
  const get = (): T => (real ??= build());
  return new Proxy({} as T, {
    get(_target, key) {
      const target = get();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    has: (_target, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor(_target, key) {
      const d = Reflect.getOwnPropertyDescriptor(get(), key);
      // The stand-in's own (empty) target cannot carry non-configurable properties.
      return d === undefined ? undefined : { ...d, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

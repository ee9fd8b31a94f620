/**
 * `JSON.stringify(value, null, 2)` of a plain object, as bytes, written into
 * one buffer member by member as it is formatted: no string of the whole
 * text, and no list of the parts either. A state file of thousands of
 * sessions is megabytes; held as strings until written, at every flush of a
 * long import, it was promoted to V8's old generation and made the heap grow
 * with the history. Here each small string dies young.
 *
 * Unlike JSON.stringify, a Map is written as an object of its entries and a
 * Set as an array, so the state's own collections need no copy into plain
 * objects first. Otherwise the output is byte for byte what JSON.stringify writes.
 */
export function prettyJsonBytes(value: Record<string, unknown> | ReadonlyMap<string, unknown>): Buffer {
  const out = new ByteSink();
  members(out, value, '', (v) => container(out, v, '  '));
  return out.bytes();
}

/** A growing buffer written with strings. */
class ByteSink {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private len = 0;

  push(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const need = this.len + 3 * s.length;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, 2 * this.buf.length));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.len += this.buf.write(s, this.len);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** JSON.stringify(v, null, 2) nested at `indent`: every line after the first indented by it. */
function nested(v: unknown, indent: string): string | undefined {
  const text = JSON.stringify(v, null, 2) as string | undefined;
  return text === undefined ? undefined : text.replace(/\n/g, `\n${indent}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

function entriesOf(obj: Record<string, unknown> | ReadonlyMap<string, unknown>): Iterable<[string, unknown]> {
  return obj instanceof Map ? obj.entries() : Object.entries(obj);
}

/** Writes an object's members as JSON.stringify lays them out at `indent`. */
function members(
  out: ByteSink,
  obj: Record<string, unknown> | ReadonlyMap<string, unknown>,
  indent: string,
  write: (v: unknown) => void,
): void {
  const inner = `${indent}  `;
  let first = true;
  for (const [key, v] of entriesOf(obj)) {
    // Members JSON.stringify leaves out.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out.push(`${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `);
    first = false;
    write(v);
  }
  out.push(first ? '{}' : `\n${indent}}`);
}

/** A value at `indent` (one level down from the top): arrays, sets, maps and plain objects member by member. */
function container(out: ByteSink, v: unknown, indent: string): void {
  if (Array.isArray(v) || v instanceof Set) {
    const inner = `${indent}  `;
    let first = true;
    for (const item of v as Iterable<unknown>) {
      out.push(`${first ? '[\n' : ',\n'}${inner}${nested(item, inner) ?? 'null'}`);
      first = false;
    }
    out.push(first ? '[]' : `\n${indent}]`);
    return;
  }
  if (v instanceof Map || isPlainObject(v)) {
    members(out, v as Record<string, unknown> | ReadonlyMap<string, unknown>, indent, (m) => out.push(nested(m, `${indent}  `)!));
    return;
  }
  out.push(nested(v, indent)!);
}

/**
 * `JSON.stringify(value, null, 2)` of a plain object, as bytes, built from one
 * small string per member of its arrays and objects (two levels deep), never
 * the whole text as one string. A state file of thousands of sessions is
 * megabytes of text; a string that size goes straight to V8's old generation,
 * and rewriting the state at every flush of a long import made the heap grow
 * with the history. The output is byte for byte what JSON.stringify writes.
 */
export function prettyJsonBytes(value: Record<string, unknown>): Buffer {
  const parts: string[] = [];
  members(parts, value, '', (v) => container(parts, v, '  '));
  let bytes = 0;
  for (const p of parts) bytes += Buffer.byteLength(p);
  const out = Buffer.allocUnsafe(bytes);
  let off = 0;
  for (const p of parts) off += out.write(p, off);
  return out;
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

/** Writes an object's members, one part per member, as JSON.stringify lays them out at `indent`. */
function members(parts: string[], obj: Record<string, unknown>, indent: string, write: (v: unknown) => void): void {
  const inner = `${indent}  `;
  let first = true;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    // Members JSON.stringify leaves out.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `);
    first = false;
    write(v);
  }
  parts.push(first ? '{}' : `\n${indent}}`);
}

/** A value at `indent` (one level down from the top): arrays and plain objects member by member. */
function container(parts: string[], v: unknown, indent: string): void {
  if (Array.isArray(v)) {
    if (v.length === 0) {
      parts.push('[]');
      return;
    }
    const inner = `${indent}  `;
    for (let i = 0; i < v.length; i++) {
      parts.push(`${i === 0 ? '[\n' : ',\n'}${inner}${nested(v[i], inner) ?? 'null'}`);
    }
    parts.push(`\n${indent}]`);
    return;
  }
  if (isPlainObject(v)) {
    members(parts, v, indent, (m) => parts.push(nested(m, `${indent}  `)!));
    return;
  }
  parts.push(nested(v, indent)!);
}

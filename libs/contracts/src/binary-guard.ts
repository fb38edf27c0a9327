/**
 * A structural pre-scan of Avro binary data against the writer schema, run before
 * avsc decodes it. It checks every length, count, union branch and enum index
 * against the bytes actually present, in time linear in the input and with no
 * allocation, so hostile input fails fast with a precise error code instead of
 * making avsc loop over an absurd block count or read past the end.
 */
import { types, type Type } from 'avsc';
import { CodecErrorCode, codecError } from './errors';

type Scan = (buf: Buffer, pos: number, end: number) => number;

const MAX_ZERO_SIZE_ITEMS = 1_000_000;

function fail(code: CodecErrorCode, message: string, offset: number): never {
  throw codecError(code, message, { offset });
}

/** Reads a zig-zag varint; returns [value, next position]. Values beyond 2^53 fail. */
function readLong(buf: Buffer, pos: number, end: number, maxBytes: number): [number, number] {
  let raw = 0;
  let factor = 1;
  const start = pos;
  for (let i = 0; ; i++) {
    if (pos >= end) fail(CodecErrorCode.truncated, 'input ends inside a varint', start);
    if (i >= maxBytes)
      fail(CodecErrorCode.badVarint, `varint longer than ${maxBytes} bytes`, start);
    const b = buf[pos++] as number;
    raw += (b & 0x7f) * factor;
    factor *= 128;
    if ((b & 0x80) === 0) break;
  }
  if (raw > Number.MAX_SAFE_INTEGER) fail(CodecErrorCode.outOfRange, 'integer beyond 2^53', start);
  const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  return [value, pos];
}

function minSize(type: Type, seen: Set<Type> = new Set()): number {
  if (type instanceof types.LogicalType) return minSize(type.underlyingType, seen);
  switch (type.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return (type as types.FixedType).size;
    case 'record':
    case 'error': {
      if (seen.has(type)) return 0;
      seen.add(type);
      let total = 0;
      for (const f of (type as types.RecordType).fields) total += minSize(f.type, seen);
      seen.delete(type);
      return total;
    }
    default:
      return 1;
  }
}

function length(
  buf: Buffer,
  pos: number,
  end: number,
  what: string,
  cap: number,
): [number, number] {
  const at = pos;
  const [len, next] = readLong(buf, pos, end, 10);
  if (len < 0) fail(CodecErrorCode.absurdLength, `negative ${what} length ${len}`, at);
  if (len > end - next) {
    // Longer than any record within the size cap could hold: hostile or corrupt, not cut short.
    if (len > cap)
      fail(CodecErrorCode.absurdLength, `${what} length ${len} exceeds the size cap`, at);
    fail(CodecErrorCode.truncated, `${what} of ${len} bytes runs past the end`, at);
  }
  return [len, next];
}

function blocks(itemScan: Scan, itemMin: number, withKeys: boolean, cap: number): Scan {
  return (buf, pos, end) => {
    for (;;) {
      const at = pos;
      const [declared, next] = readLong(buf, pos, end, 10);
      let count = declared;
      pos = next;
      if (count === 0) return pos;
      if (count < 0) {
        count = -count;
        [, pos] = length(buf, pos, end, 'block', cap);
      }
      const perItem = itemMin + (withKeys ? 1 : 0);
      const limit = perItem === 0 ? MAX_ZERO_SIZE_ITEMS : Math.floor((end - pos) / perItem);
      if (count > limit) {
        if (perItem === 0 || count * perItem > cap) {
          fail(CodecErrorCode.absurdLength, `block of ${count} items cannot fit the input`, at);
        }
        fail(CodecErrorCode.truncated, `block of ${count} items runs past the end`, at);
      }
      for (let i = 0; i < count; i++) {
        if (withKeys) {
          const [len, p] = length(buf, pos, end, 'map key', cap);
          pos = p + len;
        }
        pos = itemScan(buf, pos, end);
      }
    }
  };
}

/**
 * Compiles a scanner for a writer type: `(buf, pos, end) => position after the value`.
 * `cap` is the size cap: a length or count no record within it could hold is absurd.
 */
export function compileScan(type: Type, cap: number, cache: Map<Type, Scan> = new Map()): Scan {
  if (type instanceof types.LogicalType) return compileScan(type.underlyingType, cap, cache);
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  let scan: Scan;
  switch (type.typeName) {
    case 'null':
      scan = (_buf, pos) => pos;
      break;
    case 'boolean':
      scan = (buf, pos, end) => {
        if (pos >= end) fail(CodecErrorCode.truncated, 'input ends inside a boolean', pos);
        if ((buf[pos] as number) > 1)
          fail(CodecErrorCode.badBoolean, `boolean byte ${buf[pos]}`, pos);
        return pos + 1;
      };
      break;
    case 'int':
      scan = (buf, pos, end) => {
        const [value, next] = readLong(buf, pos, end, 5);
        if (value < -2147483648 || value > 2147483647) {
          fail(CodecErrorCode.outOfRange, `int ${value} out of range`, pos);
        }
        return next;
      };
      break;
    case 'long':
      scan = (buf, pos, end) => readLong(buf, pos, end, 10)[1];
      break;
    case 'float':
    case 'double':
    case 'fixed': {
      const size = minSize(type);
      scan = (_buf, pos, end) => {
        if (pos + size > end)
          fail(CodecErrorCode.truncated, `input ends inside a ${type.typeName}`, pos);
        return pos + size;
      };
      break;
    }
    case 'bytes':
    case 'string':
      scan = (buf, pos, end) => {
        const [len, next] = length(buf, pos, end, type.typeName, cap);
        return next + len;
      };
      break;
    case 'enum': {
      const count = (type as types.EnumType).symbols.length;
      scan = (buf, pos, end) => {
        const [index, next] = readLong(buf, pos, end, 10);
        if (index < 0 || index >= count) {
          fail(CodecErrorCode.badEnumIndex, `enum index ${index} not in 0..${count - 1}`, pos);
        }
        return next;
      };
      break;
    }
    case 'array': {
      const items = (type as types.ArrayType).itemsType;
      let inner: Scan | undefined;
      const lazy: Scan = (b, p, e) => (inner ??= compileScan(items, cap, cache))(b, p, e);
      scan = blocks(lazy, minSize(items), false, cap);
      break;
    }
    case 'map': {
      const values = (type as types.MapType).valuesType as Type;
      let inner: Scan | undefined;
      const lazy: Scan = (b, p, e) => (inner ??= compileScan(values, cap, cache))(b, p, e);
      scan = blocks(lazy, minSize(values), true, cap);
      break;
    }
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = (type as types.UnwrappedUnionType).types;
      const scans: Array<Scan | undefined> = branches.map(() => undefined);
      scan = (buf, pos, end) => {
        const [index, next] = readLong(buf, pos, end, 10);
        const branch = branches[index];
        if (branch === undefined || index < 0) {
          fail(
            CodecErrorCode.badUnionIndex,
            `union index ${index} not in 0..${branches.length - 1}`,
            pos,
          );
        }
        const s = (scans[index] ??= compileScan(branch, cap, cache));
        return s(buf, next, end);
      };
      break;
    }
    case 'record':
    case 'error': {
      const fields = (type as types.RecordType).fields;
      let scans: Scan[] | undefined;
      scan = (buf, pos, end) => {
        scans ??= fields.map((f) => compileScan(f.type, cap, cache));
        for (const s of scans) pos = s(buf, pos, end);
        return pos;
      };
      break;
    }
    default:
      throw new Error(`binary guard: unsupported Avro type ${type.typeName}`);
  }
  cache.set(type, scan);
  return scan;
}

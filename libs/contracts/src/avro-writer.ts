/**
 * Avro binary writers compiled from avsc types, byte for byte what avsc's own
 * `encode` writes (avro-writer.spec.ts holds it for every schema), with each
 * string written natively. avsc writes a string of up to 64 characters one
 * character at a time in JavaScript; once a process has written strings of
 * several internal representations (one- and two-byte, concatenated, sliced:
 * the policy worker writes all of them) that loop runs about five times slower
 * than at first, and records of the hub are mostly such strings (agency ids,
 * paths, rule ids, the hashes of a receipt's inclusion proof). Records, arrays
 * and `["null", X]` unions are walked here and ints, longs, booleans and enums
 * written here (with avsc's checks); every other type (bytes, fixed, maps,
 * other unions, logical types) is encoded by avsc itself.
 */
import type { Type } from 'avsc';
import type { EncodeScratch } from './encode-scratch';

/** Writes `value` at `pos` of the scratch (grown as needed) and returns its end. */
export type AvroWriter = (value: unknown, scratch: EncodeScratch, pos: number) => number;

/** The parts of avsc's types the compiler reads (all public accessors). */
interface AvscType {
  readonly typeName: string;
  readonly fields?: readonly {
    readonly name: string;
    readonly type: AvscType;
    defaultValue(): unknown;
  }[];
  readonly itemsType?: AvscType;
  readonly types?: readonly AvscType[];
  readonly symbols?: readonly string[];
  toBuffer(value: unknown): Buffer;
}

/**
 * Avro's zig-zag varint of a long, as avsc's Tap writes it (the same arithmetic,
 * so the same bytes up to its limit of ±(2^53 - 2)); room already reserved.
 */
function writeLong(buffer: Buffer, pos: number, n: number): number {
  if (n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      buffer[pos++] = (m & 0x7f) | 0x80;
      m >>>= 7;
    }
    buffer[pos++] = m;
    return pos;
  }
  let f = n >= 0 ? n * 2 : -n * 2 - 1;
  while (f >= 128) {
    buffer[pos++] = (f & 0x7f) | 0x80;
    f /= 128;
  }
  buffer[pos++] = f & 0x7f;
  return pos;
}

/** Most bytes a long takes. */
const LONG_BYTES = 10;

const rethrow = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));

function delegate(type: Type): AvroWriter {
  return (value, scratch, pos) => scratch.encode(type, value, pos, rethrow);
}

/**
 * Strings up to this many characters are tried as ASCII first: a short loop of
 * one branch costs less than the native calls (measuring, then writing) below
 * about this length, and every such length fits a one-byte varint.
 */
const SHORT_STRING = 40;

const writeString: AvroWriter = (value, scratch, pos) => {
  if (typeof value !== 'string') throw new TypeError(`invalid "string": ${typeof value}`);
  const chars = value.length;
  if (chars <= SHORT_STRING) {
    scratch.reserve(pos, 1 + chars);
    const buffer = scratch.buffer;
    let at = pos + 1;
    for (let i = 0; i < chars; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) break;
      buffer[at++] = c;
    }
    if (at === pos + 1 + chars) {
      buffer[pos] = chars * 2;
      return at;
    }
  }
  const length = Buffer.byteLength(value, 'utf8');
  scratch.reserve(pos, LONG_BYTES + length);
  const at = writeLong(scratch.buffer, pos, length);
  return at + scratch.buffer.write(value, at, length, 'utf8');
};

/** A long as avsc accepts it (LongType: a number, integral, within ±(2^53 - 2)). */
const writeLongValue: AvroWriter = (value, scratch, pos) => {
  if (
    typeof value !== 'number' ||
    value % 1 !== 0 ||
    value < -9007199254740990 ||
    value > 9007199254740990
  ) {
    throw new TypeError('invalid "long"');
  }
  scratch.reserve(pos, LONG_BYTES);
  return writeLong(scratch.buffer, pos, value);
};

/** An int as avsc accepts it (IntType: `value === (value | 0)`). */
const writeInt: AvroWriter = (value, scratch, pos) => {
  if (typeof value !== 'number' || value !== (value | 0)) throw new TypeError('invalid "int"');
  scratch.reserve(pos, 5);
  return writeLong(scratch.buffer, pos, value);
};

const writeBoolean: AvroWriter = (value, scratch, pos) => {
  if (typeof value !== 'boolean') throw new TypeError('invalid "boolean"');
  scratch.reserve(pos, 1);
  scratch.buffer[pos] = value ? 1 : 0;
  return pos + 1;
};

function enumWriter(symbols: readonly string[]): AvroWriter {
  const indices = new Map(symbols.map((symbol, index) => [symbol, index]));
  return (value, scratch, pos) => {
    const index = typeof value === 'string' ? indices.get(value) : undefined;
    if (index === undefined) throw new TypeError('invalid enum symbol');
    scratch.reserve(pos, LONG_BYTES);
    return writeLong(scratch.buffer, pos, index);
  };
}

function arrayWriter(items: AvroWriter): AvroWriter {
  return (value, scratch, pos) => {
    if (!Array.isArray(value)) throw new TypeError('invalid "array"');
    const n = value.length;
    if (n > 0) {
      scratch.reserve(pos, LONG_BYTES);
      pos = writeLong(scratch.buffer, pos, n);
      for (let i = 0; i < n; i++) pos = items(value[i], scratch, pos);
    }
    scratch.reserve(pos, 1);
    scratch.buffer[pos] = 0;
    return pos + 1;
  };
}

function recordWriter(type: AvscType, compile: (t: AvscType) => AvroWriter): AvroWriter {
  const fields = (type.fields ?? []).map((field) => {
    const fallback = field.defaultValue();
    return {
      name: field.name,
      write: compile(field.type),
      // What avsc writes for a field left undefined that has a default.
      defaultBytes: fallback === undefined ? undefined : field.type.toBuffer(fallback),
    };
  });
  return (value, scratch, pos) => {
    const record = value as Record<string, unknown>;
    for (const field of fields) {
      const member = record[field.name];
      if (member === undefined && field.defaultBytes !== undefined) {
        scratch.reserve(pos, field.defaultBytes.length);
        pos += field.defaultBytes.copy(scratch.buffer, pos);
      } else {
        pos = field.write(member, scratch, pos);
      }
    }
    return pos;
  };
}

/** A value of a branch's bucket, as avsc's unwrapped unions tell branches apart. */
function bucketTest(branch: AvscType): ((value: unknown) => boolean) | undefined {
  switch (branch.typeName) {
    case 'string':
      return (value) => typeof value === 'string';
    case 'array':
      return Array.isArray;
    case 'record':
      return (value) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        !Buffer.isBuffer(value);
    default:
      return undefined;
  }
}

/** `["null", X]`: 0 for null, 1 and X's bytes for a value of X's bucket, else avsc decides. */
function nullableWriter(type: AvscType, compile: (t: AvscType) => AvroWriter): AvroWriter {
  const branch = (type.types ?? [])[1] as AvscType;
  const test = bucketTest(branch) as (value: unknown) => boolean;
  const write = compile(branch);
  const fallback = delegate(type as unknown as Type);
  return (value, scratch, pos) => {
    if (value === null || !test(value)) {
      if (value !== null) return fallback(value, scratch, pos);
      scratch.reserve(pos, 1);
      scratch.buffer[pos] = 0;
      return pos + 1;
    }
    scratch.reserve(pos, 1);
    scratch.buffer[pos] = 2; // zig-zag 1: the second branch
    return write(value, scratch, pos + 1);
  };
}

const compiled = new WeakMap<object, AvroWriter>();

/** The writer of an avsc type (compiled once per type). */
export function avroWriter(type: Type): AvroWriter {
  const t = type as unknown as AvscType & object;
  const known = compiled.get(t);
  if (known !== undefined) return known;
  let writer: AvroWriter;
  // Set before compiling the parts: a recursive type meets itself again.
  const self: AvroWriter = (value, scratch, pos) => writer(value, scratch, pos);
  compiled.set(t, self);
  const compile = (part: AvscType): AvroWriter => avroWriter(part as unknown as Type);
  const branches = t.types;
  if (t.typeName === 'string') writer = writeString;
  else if (t.typeName === 'long') writer = writeLongValue;
  else if (t.typeName === 'int') writer = writeInt;
  else if (t.typeName === 'boolean') writer = writeBoolean;
  else if (t.typeName === 'enum' && t.symbols) writer = enumWriter(t.symbols);
  else if (t.typeName === 'array' && t.itemsType) writer = arrayWriter(compile(t.itemsType));
  else if (t.typeName === 'record' || t.typeName === 'error') writer = recordWriter(t, compile);
  else if (
    t.typeName === 'union:unwrapped' &&
    branches?.length === 2 &&
    branches[0]?.typeName === 'null' &&
    bucketTest(branches[1] as AvscType) !== undefined
  ) {
    writer = nullableWriter(t, compile);
  } else writer = delegate(type);
  compiled.set(t, writer);
  return writer;
}

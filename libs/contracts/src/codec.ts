/**
 * Avro single-object encoding for Kafka records: `C3 01`, the 8-byte little-endian
 * CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body.
 * Encoding always uses the current schema; decoding accepts the current schema
 * and every released version (schemas/history), resolved with avsc resolvers.
 * Hostile input fails with a typed DomainError (see CodecErrorCode), never a crash.
 */
import { Type } from 'avsc';
import { compileScan } from './binary-guard';
import { EncodeScratch } from './encode-scratch';
import { CodecErrorCode, codecError } from './errors';
import type { SchemaName } from './generated/schemas';
import type { SchemaTypeMap } from './generated/types';
import { avroTypeFor } from './logical-types';
import { RecordSlab } from './record-slab';
import { avroType, schemaVersions } from './registry';

/** What a consumer needs of a codec: a codec, or a decoder of some fields only. */
export interface RecordDecoder<T> {
  decode(bytes: Buffer): T;
}

/** The bytes on a topic and the typed value they carry. */
export interface Codec<T> extends RecordDecoder<T> {
  encode(value: T): Buffer;
}

export interface CodecOptions {
  /** Largest record accepted by decode or produced by encode, in bytes. Default 1 MiB. */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
const MAGIC_0 = 0xc3;
const MAGIC_1 = 0x01;
export const SINGLE_OBJECT_HEADER_BYTES = 10;

/** The 10-byte single-object header for a schema fingerprint. */
export function singleObjectHeader(fingerprint: bigint): Buffer {
  const header = Buffer.alloc(SINGLE_OBJECT_HEADER_BYTES);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header.writeBigUInt64LE(fingerprint, 2);
  return header;
}

interface WriterEntry {
  readonly version: number | 'current';
  readonly type: Type;
  readonly scan: (buf: Buffer, pos: number, end: number) => number;
  /** undefined when the writer is the current schema itself */
  readonly resolver: ReturnType<Type['createResolver']> | undefined;
}

/** Paths and reasons why a value does not fit an avsc type, for encode errors. */
export function invalidPaths(type: Type, value: unknown): string[] {
  const errors: string[] = [];
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path: string[], any: unknown, t: Type) => {
      const where = path.reduce(
        (acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
        '',
      );
      if (errors.length < 20) {
        errors.push(
          `${where || '(root)'}: ${JSON.stringify(any) ?? 'undefined'} is not a valid ${t.typeName}`,
        );
      }
    },
  });
  return errors;
}

/**
 * Decodes single-object records of one schema, from any released writer version,
 * into `reader`: the current schema, or a record of some of its fields (the
 * resolver skips the others without building their values). Every record is
 * checked whole first (header, fingerprint, the binary guard's scan to its end).
 */
class SingleObjectDecoder<T> implements RecordDecoder<T> {
  private readonly writers = new Map<bigint, WriterEntry>();

  constructor(
    protected readonly name: SchemaName,
    protected readonly maxBytes: number,
    protected readonly reader: Type = avroType(name),
  ) {
    const current = avroType(name);
    for (const v of schemaVersions(name)) {
      if (this.writers.has(v.fingerprint)) continue; // a release identical to current
      const type = v.version === 'current' ? current : avroTypeFor(v.json);
      this.writers.set(v.fingerprint, {
        version: v.version,
        type,
        scan: compileScan(type, maxBytes),
        resolver: reader === type ? undefined : reader.createResolver(type),
      });
    }
  }

  decode(bytes: Buffer): T {
    if (bytes.length > this.maxBytes) {
      throw codecError(
        CodecErrorCode.tooLarge,
        `record of ${bytes.length} bytes exceeds ${this.maxBytes}`,
        {
          size: bytes.length,
          maxBytes: this.maxBytes,
        },
      );
    }
    if (bytes.length < 2 || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {
      if (bytes.length < 2 && (bytes.length === 0 || bytes[0] === MAGIC_0)) {
        throw codecError(CodecErrorCode.truncated, 'record shorter than the single-object header');
      }
      throw codecError(CodecErrorCode.badMagic, 'not Avro single-object encoding (expected C3 01)');
    }
    if (bytes.length < SINGLE_OBJECT_HEADER_BYTES) {
      throw codecError(CodecErrorCode.truncated, 'record shorter than the single-object header');
    }
    const fingerprint = bytes.readBigUInt64LE(2);
    const writer = this.writers.get(fingerprint);
    if (writer === undefined) {
      const hex = fingerprint.toString(16).padStart(16, '0');
      throw codecError(
        CodecErrorCode.unknownFingerprint,
        `no ${this.name} schema has fingerprint ${hex}`,
        {
          schema: this.name,
          fingerprint: hex,
        },
      );
    }
    const end = writer.scan(bytes, SINGLE_OBJECT_HEADER_BYTES, bytes.length);
    if (end !== bytes.length) {
      throw codecError(
        CodecErrorCode.trailingBytes,
        `${bytes.length - end} bytes after the ${this.name}`,
        {
          offset: end,
        },
      );
    }
    try {
      const decoded = this.reader.decode(bytes, SINGLE_OBJECT_HEADER_BYTES, writer.resolver);
      const value: unknown = decoded.value;
      const offset = decoded.offset;
      if (offset !== bytes.length) throw new Error(`decoder stopped at ${offset}`);
      return value as T;
    } catch (error) {
      throw codecError(
        CodecErrorCode.badLogicalValue,
        `cannot read ${this.name}: ${error instanceof Error ? error.message : String(error)}`,
        { schema: this.name, writerVersion: writer.version },
      );
    }
  }
}

class SingleObjectCodec<T> extends SingleObjectDecoder<T> implements Codec<T> {
  /** Header + body of the record being encoded. */
  private readonly scratch: EncodeScratch;
  private readonly slab = new RecordSlab();

  constructor(name: SchemaName, maxBytes: number) {
    super(name, maxBytes);
    this.scratch = new EncodeScratch(64 * 1024, name, maxBytes);
    singleObjectHeader(schemaVersions(name)[0]?.fingerprint ?? 0n).copy(this.scratch.buffer, 0);
  }

  /** The refusal of a value the schema cannot encode, naming each broken path. */
  private readonly invalid = (error: unknown, value: unknown): Error => {
    const errors = invalidPaths(this.reader, value);
    const reason = errors.join('; ') || (error instanceof Error ? error.message : String(error));
    return codecError(CodecErrorCode.invalidValue, `cannot encode ${this.name}: ${reason}`, {
      schema: this.name,
      errors,
    });
  };

  encode(value: T): Buffer {
    // The current schema, as for decoding, behind the header (kept when the scratch grows).
    const end = this.scratch.encode(this.reader, value, SINGLE_OBJECT_HEADER_BYTES, this.invalid);
    return this.slab.copyOut(this.scratch.buffer, end);
  }
}

const codecs = new Map<string, Codec<unknown>>();

/** The single-object codec of a top-level schema; cached per (name, maxBytes). */
export function codecFor<N extends SchemaName>(
  name: N,
  options: CodecOptions = {},
): Codec<SchemaTypeMap[N]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const key = `${name}:${maxBytes}`;
  let codec = codecs.get(key);
  if (codec === undefined) {
    codec = new SingleObjectCodec<unknown>(name, maxBytes);
    codecs.set(key, codec);
  }
  return codec as Codec<SchemaTypeMap[N]>;
}

interface AvroRecordType {
  readonly name: string;
  readonly fields: readonly { readonly name: string; readonly type: Type }[];
}

const projections = new Map<string, RecordDecoder<unknown>>();

/**
 * A decoder of only some fields of a top-level schema's records, for consumers
 * that read a few fields of large records (the feed projector: the recipient
 * and message id of each delivery). Records are checked whole, as by
 * `codecFor(name)`, and refused with the same errors; the other fields are
 * skipped, not built. Cached per (name, fields, maxBytes).
 */
export function projectionFor<N extends SchemaName, K extends keyof SchemaTypeMap[N] & string>(
  name: N,
  fields: readonly K[],
  options: CodecOptions = {},
): RecordDecoder<Pick<SchemaTypeMap[N], K>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const key = `${name}:${fields.join(',')}:${maxBytes}`;
  let decoder = projections.get(key);
  if (decoder === undefined) {
    const current = avroType(name) as unknown as AvroRecordType;
    const reader = Type.forSchema(
      {
        type: 'record',
        name: current.name,
        fields: fields.map((f) => {
          const field = current.fields.find((c) => c.name === f);
          if (field === undefined) throw new Error(`${name} has no field ${f}`);
          return { name: f, type: field.type };
        }),
      } as unknown as Parameters<typeof Type.forSchema>[0],
      { registry: {} },
    );
    decoder = new SingleObjectDecoder<unknown>(name, maxBytes, reader);
    projections.set(key, decoder);
  }
  return decoder as RecordDecoder<Pick<SchemaTypeMap[N], K>>;
}

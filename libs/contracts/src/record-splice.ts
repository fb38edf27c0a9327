/**
 * Many records of one schema that differ in only a few fields (one delivery per
 * recipient of a message: same presentation, paths and receipt, different
 * recipient and inclusion proof). Avro's binary form of a record is its fields'
 * encodings one after another, so the shared fields are encoded once per
 * template and each record is written in schema order from the header and
 * those bytes and its own fields, into one piece of a shared slab
 * (record-slab.ts), the splicer's or the caller's. The record is byte-identical to
 * `codecFor(name).encode({ ...shared, ...varying })` (a property test holds it).
 */
import type { Type } from 'avsc';
import type { DomainError } from '@liaison/errors';
import { DEFAULT_MAX_RECORD_BYTES, singleObjectHeader, type CodecOptions } from './codec';
import { EncodeScratch } from './encode-scratch';
import { CodecErrorCode, codecError, encodedTooLarge } from './errors';
import type { SchemaName } from './generated/schemas';
import type { SchemaTypeMap } from './generated/types';
import { RecordSlab } from './record-slab';
import { avroType, schemaVersions } from './registry';

interface AvroField {
  readonly name: string;
  readonly type: Type;
  /** The refusal of a value this field cannot encode (built once per field). */
  readonly refuse: (error: unknown) => Error;
}

type Segment = { readonly shared: AvroField[] } | { readonly varying: AvroField };

export interface RecordTemplate<V> {
  /**
   * The single-object encoding of the template's shared fields with these:
   * one Buffer of the record's exact length, cut from a slab shared with
   * other records (its `.buffer` is the slab; never write to it).
   */
  encode(varying: V): Buffer;
}

export interface RecordSplicer<T, K extends keyof T> {
  /**
   * Encodes the shared fields once. Records are cut from `slab` when given
   * (its owner decides when they may be written over), else from the splicer's own.
   */
  template(shared: Omit<T, K>, slab?: RecordSlab): RecordTemplate<Pick<T, K>>;
}

function invalid(schema: string, field: string, error: unknown): DomainError {
  return codecError(
    CodecErrorCode.invalidValue,
    `cannot encode ${schema}.${field}: ${error instanceof Error ? error.message : String(error)}`,
    { schema, errors: [field] },
  );
}

export function recordSplicer<N extends SchemaName, K extends keyof SchemaTypeMap[N] & string>(
  name: N,
  varying: readonly K[],
  options: CodecOptions = {},
): RecordSplicer<SchemaTypeMap[N], K> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const header = singleObjectHeader(schemaVersions(name)[0]?.fingerprint ?? 0n);
  const fields = (
    avroType(name) as unknown as { fields: { name: string; type: Type }[] }
  ).fields.map((f): AvroField => ({
    name: f.name,
    type: f.type,
    refuse: (error) => invalid(name, f.name, error),
  }));
  const varyingNames = new Set<string>(varying);
  for (const v of varying) {
    if (!fields.some((f) => f.name === v)) throw invalid(name, v, new Error('no such field'));
  }
  const segments: Segment[] = [];
  for (const field of fields) {
    const last = segments[segments.length - 1];
    if (varyingNames.has(field.name)) segments.push({ varying: field });
    else if (last && 'shared' in last) last.shared.push(field);
    else segments.push({ shared: [field] });
  }
  const scratch = new EncodeScratch(16 * 1024, name, maxBytes);
  const ownSlab = new RecordSlab();
  return {
    template(shared, slab = ownSlab) {
      const values = shared as Record<string, unknown>;
      // The header, then per segment its shared bytes or the varying field.
      let sharedBytes = header.length;
      const layout: (Buffer | AvroField)[] = [header];
      for (const segment of segments) {
        if ('varying' in segment) {
          layout.push(segment.varying);
          continue;
        }
        let pos = 0;
        for (const field of segment.shared) {
          pos = scratch.encode(field.type, values[field.name], pos, field.refuse);
        }
        const run = Buffer.from(scratch.buffer.subarray(0, pos));
        sharedBytes += run.length;
        layout.push(run);
      }
      return {
        encode(record) {
          const own = record as Record<string, unknown>;
          const ends: number[] = [];
          let pos = 0;
          for (const part of layout) {
            if (Buffer.isBuffer(part)) continue;
            pos = scratch.encode(part.type, own[part.name], pos, part.refuse);
            ends.push(pos);
          }
          const total = sharedBytes + pos;
          if (total > maxBytes) throw encodedTooLarge(name, total, maxBytes);
          // The whole record in one piece of the slab: shared runs and own bytes in order.
          const out = slab.take(total);
          let at = 0;
          let from = 0;
          let k = 0;
          for (const part of layout) {
            if (Buffer.isBuffer(part)) {
              at += part.copy(out, at);
              continue;
            }
            const end = ends[k++] as number;
            at += scratch.buffer.copy(out, at, from, end);
            from = end;
          }
          return out;
        },
      };
    },
  };
}

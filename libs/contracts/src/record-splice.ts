/**
 * Many records of one schema that differ in only a few fields (one delivery per
 * recipient of a message: same presentation, paths and receipt, different
 * recipient and inclusion proof). Avro's binary form of a record is its fields'
 * encodings one after another, so the shared fields are encoded once per
 * template and each record is the header, those bytes and its own fields,
 * spliced in schema order. The result is byte-identical to
 * `codecFor(name).encode({ ...shared, ...varying })` (a property test holds it).
 */
import type { Type } from 'avsc';
import { DomainError } from '@liaison/errors';
import { DEFAULT_MAX_RECORD_BYTES, singleObjectHeader, type CodecOptions } from './codec';
import { CodecErrorCode } from './errors';
import type { SchemaName } from './generated/schemas';
import type { SchemaTypeMap } from './generated/types';
import { RecordSlab } from './record-slab';
import { avroType, schemaVersions } from './registry';

interface AvroField {
  readonly name: string;
  readonly type: Type;
}

type Segment = { readonly shared: AvroField[] } | { readonly varying: AvroField };

export interface RecordTemplate<V> {
  /** The single-object encoding of the template's shared fields with these. */
  encode(varying: V): Buffer;
  /**
   * The same bytes as `encode`, as parts in order: the shared runs are the
   * template's own buffers (shared by every record of the template, never to be
   * changed), the varying fields' bytes are this record's. For writers that take
   * a record in parts (the patched kafkajs), so large shared bytes are not copied
   * once per record.
   */
  encodeParts(varying: V): Buffer[];
}

export interface RecordSplicer<T, K extends keyof T> {
  /** Encodes the shared fields once. */
  template(shared: Omit<T, K>): RecordTemplate<Pick<T, K>>;
}

function invalid(schema: string, field: string, error: unknown): DomainError {
  return new DomainError(
    CodecErrorCode.invalidValue,
    `cannot encode ${schema}.${field}: ${error instanceof Error ? error.message : String(error)}`,
    'invalid-input',
    { schema, errors: [field] },
  );
}

function tooLarge(schema: string, size: number, maxBytes: number): DomainError {
  return new DomainError(
    CodecErrorCode.tooLarge,
    `${schema} of ${size} bytes exceeds ${maxBytes}`,
    'too-large',
    { size, maxBytes },
  );
}

/** A growable scratch area that avsc encodes field values into. */
class Scratch {
  buffer = Buffer.allocUnsafe(16 * 1024);

  /** Encodes `value` at `pos`; returns the end. */
  write(schema: string, field: AvroField, value: unknown, pos: number, maxBytes: number): number {
    for (;;) {
      let end: number;
      try {
        end = field.type.encode(value, this.buffer, pos);
      } catch (error) {
        throw invalid(schema, field.name, error);
      }
      if (end >= 0) return end;
      const needed = this.buffer.length - end;
      if (needed > maxBytes) throw tooLarge(schema, needed, maxBytes);
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, needed));
      this.buffer.copy(grown, 0, 0, pos);
      this.buffer = grown;
    }
  }
}

export function recordSplicer<N extends SchemaName, K extends keyof SchemaTypeMap[N] & string>(
  name: N,
  varying: readonly K[],
  options: CodecOptions = {},
): RecordSplicer<SchemaTypeMap[N], K> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const header = singleObjectHeader(schemaVersions(name)[0]?.fingerprint ?? 0n);
  const fields = (avroType(name) as unknown as { fields: AvroField[] }).fields;
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
  const scratch = new Scratch();
  const slab = new RecordSlab();
  return {
    template(shared) {
      const values = shared as Record<string, unknown>;
      const runs: Buffer[] = segments.map((segment) => {
        if (!('shared' in segment)) return Buffer.alloc(0);
        let pos = 0;
        for (const field of segment.shared) {
          pos = scratch.write(name, field, values[field.name], pos, maxBytes);
        }
        return Buffer.from(scratch.buffer.subarray(0, pos));
      });
      const sharedBytes = runs.reduce((n, r) => n + r.length, header.length);
      /** The record's varying fields into the scratch area; their ends, per segment. */
      const encodeVarying = (record: Pick<SchemaTypeMap[N], K>): number[] => {
        const own = record as Record<string, unknown>;
        const ends: number[] = [];
        let pos = 0;
        for (const segment of segments) {
          if ('varying' in segment) {
            pos = scratch.write(name, segment.varying, own[segment.varying.name], pos, maxBytes);
          }
          ends.push(pos);
        }
        const size = sharedBytes + pos;
        if (size > maxBytes) throw tooLarge(name, size, maxBytes);
        return ends;
      };
      // The header travels with the first shared run (or alone, before a varying first field).
      const first = segments[0];
      const headed = first && 'shared' in first;
      const partsTemplate: (Buffer | number)[] = segments.map((segment, i) =>
        'shared' in segment
          ? i === 0
            ? Buffer.concat([header, runs[0] as Buffer])
            : (runs[i] as Buffer)
          : i,
      );
      return {
        encode(record) {
          const ends = encodeVarying(record);
          const out = slab.take(sharedBytes + (ends[ends.length - 1] ?? 0));
          let at = header.copy(out, 0);
          let from = 0;
          segments.forEach((segment, i) => {
            if ('shared' in segment) {
              at += (runs[i] as Buffer).copy(out, at);
            } else {
              const end = ends[i] as number;
              at += scratch.buffer.copy(out, at, from, end);
              from = end;
            }
          });
          return out;
        },
        encodeParts(record) {
          const ends = encodeVarying(record);
          // One piece of the slab for all of this record's own bytes.
          const own = slab.copyOut(scratch.buffer, ends[ends.length - 1] ?? 0);
          const parts: Buffer[] = headed ? [] : [header];
          let from = 0;
          partsTemplate.forEach((part, i) => {
            if (typeof part !== 'number') {
              parts.push(part);
              return;
            }
            const end = ends[i] as number;
            parts.push(own.subarray(from, end));
            from = end;
          });
          return parts;
        },
      };
    },
  };
}

/**
 * avsc logical types for the in-memory form shared with the JSON form:
 * timestamp-millis as ISO-8601 strings, uuid as lowercase UUID strings.
 */
import { types, Type } from 'avsc';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Epoch millis of an ISO-8601 instant with an explicit offset, or undefined. */
export function isoToMillis(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? millis : undefined;
}

/** `2025-03-14T06:40:00.000Z` for epoch millis; throws RangeError when out of range. */
export function millisToIso(millis: number): string {
  return new Date(millis).toISOString();
}

export class IsoTimestampType extends types.LogicalType {
  protected override _fromValue(val: unknown): string {
    if (typeof val !== 'number') throw new TypeError('timestamp-millis: not a long');
    return millisToIso(val);
  }
  protected override _toValue(val: unknown): number | undefined {
    return isoToMillis(val);
  }
  protected override _resolve(type: Type): unknown {
    // A logical writer hands over its already-converted value; a plain long needs converting.
    if (Type.isType(type, 'logical:timestamp-millis')) return (v: unknown) => v;
    if (Type.isType(type, 'long')) return this._fromValue.bind(this);
    return undefined;
  }
}

export class UuidType extends types.LogicalType {
  protected override _fromValue(val: unknown): string {
    if (typeof val !== 'string' || !UUID_PATTERN.test(val))
      throw new TypeError('uuid: not a lowercase UUID');
    return val;
  }
  protected override _toValue(val: unknown): string | undefined {
    return typeof val === 'string' && UUID_PATTERN.test(val) ? val : undefined;
  }
  protected override _resolve(type: Type): unknown {
    if (Type.isType(type, 'logical:uuid')) return (v: unknown) => v;
    if (Type.isType(type, 'string')) return this._fromValue.bind(this);
    return undefined;
  }
}

export const LOGICAL_TYPES = {
  'timestamp-millis': IsoTimestampType,
  uuid: UuidType,
};

/** Parses a schema with Liaison's logical types and unwrapped `["null", T]` unions. */
export function avroTypeFor(schema: unknown): Type {
  return Type.forSchema(schema as Parameters<typeof Type.forSchema>[0], {
    logicalTypes: LOGICAL_TYPES,
    wrapUnions: 'auto',
    omitRecordMethods: true,
  });
}

/** The STIX 2.1 object model as plain JSON, and the spec's timestamp form. */

/** A STIX object: plain JSON with `type` and `id`. */
export interface StixObject {
  readonly type: string;
  readonly id: string;
  readonly [property: string]: unknown;
}

export interface StixBundle {
  readonly type: 'bundle';
  readonly id: string;
  readonly objects: readonly StixObject[];
}

export const STIX_SPEC_VERSION = '2.1';

/** A STIX timestamp with millisecond precision (`YYYY-MM-DDTHH:mm:ss.sssZ`). */
export function stixTimestamp(value: string | number | Date): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${String(value)}`);
  return date.toISOString();
}

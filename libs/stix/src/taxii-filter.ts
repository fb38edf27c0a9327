/**
 * TAXII 2.1 object filtering (section 3.6): `added_after`, `match[id]`,
 * `match[type]`, `match[version]`, `match[spec_version]`, and Liaison's
 * `match[tlp]`. Values within one field are ORed (comma-separated, or the
 * field repeated); different fields are ANDed. Unknown `match[...]` fields and
 * malformed values are refused with `taxii.bad-filter` (HTTP 400), never
 * ignored.
 */
import type { Tlp } from '@liaison/contracts';
import { DomainError } from '@liaison/errors';
import type { StixObject } from './stix-object';
import { tlpFromName, tlpOfMarkingId } from './tlp';

export interface TaxiiFilter {
  readonly addedAfter?: number;
  readonly ids?: ReadonlySet<string>;
  readonly types?: ReadonlySet<string>;
  /** `first`, `last`, `all` or exact versions; absent = `last` (3.6.1). */
  readonly versions?: readonly string[];
  readonly specVersions?: ReadonlySet<string>;
  readonly tlps?: ReadonlySet<Tlp>;
}

/** The filter fields each endpoint takes (TAXII 2.1 sections 5.3 to 5.8). */
export type TaxiiEndpoint = 'objects' | 'object' | 'manifest' | 'versions';

const FIELDS: Readonly<Record<TaxiiEndpoint, readonly string[]>> = {
  objects: ['id', 'type', 'version', 'spec_version', 'tlp'],
  manifest: ['id', 'type', 'version', 'spec_version', 'tlp'],
  object: ['version', 'spec_version'],
  versions: ['spec_version'],
};

const STIX_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const STIX_ID =
  /^[a-z][a-z0-9-]*[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STIX_TYPE = /^[a-z][a-z0-9-]{1,248}[a-z0-9]$/;

function refuse(message: string, details: Record<string, unknown>): DomainError {
  return new DomainError('taxii.bad-filter', message, 'invalid-input', details);
}

/** Milliseconds of a TAXII timestamp (RFC 3339 in UTC, `Z`), or the refusal. */
export function parseTaxiiTimestamp(value: string, field: string): number {
  const ms = STIX_TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw refuse(`${field}: not a timestamp (YYYY-MM-DDTHH:mm:ss[.sss]Z)`, { field, value });
  return ms;
}

function values(all: readonly string[], field: string): string[] {
  const out = all.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (out.some((v) => v === '')) throw refuse(`${field}: an empty value`, { field });
  return out;
}

/**
 * The filter of a request's query parameters (each name with all its values,
 * as `URLSearchParams` gives them). `limit` and `next` are read elsewhere.
 */
export function parseTaxiiFilter(params: URLSearchParams, endpoint: TaxiiEndpoint): TaxiiFilter {
  const allowed = FIELDS[endpoint];
  let filter: {
    -readonly [K in keyof TaxiiFilter]: TaxiiFilter[K];
  } = {};
  for (const name of new Set(params.keys())) {
    if (name === 'limit' || name === 'next') continue;
    if (name === 'added_after') {
      const [only, ...rest] = params.getAll(name);
      if (only === undefined || rest.length > 0)
        throw refuse('added_after: give it once', { field: name });
      filter = { ...filter, addedAfter: parseTaxiiTimestamp(only, name) };
      continue;
    }
    const m = /^match\[([a-z_]+)\]$/.exec(name);
    const field = m?.[1];
    if (field === undefined || !allowed.includes(field))
      throw refuse(`${name}: not a filter of this endpoint`, { field: name, allowed });
    const list = values(params.getAll(name), name);
    switch (field) {
      case 'id':
        for (const v of list)
          if (!STIX_ID.test(v)) throw refuse(`${name}: not a STIX id`, { value: v });
        filter = { ...filter, ids: new Set(list) };
        break;
      case 'type':
        for (const v of list)
          if (!STIX_TYPE.test(v)) throw refuse(`${name}: not a STIX type`, { value: v });
        filter = { ...filter, types: new Set(list) };
        break;
      case 'version':
        for (const v of list)
          if (v !== 'first' && v !== 'last' && v !== 'all') parseTaxiiTimestamp(v, name);
        filter = { ...filter, versions: list };
        break;
      case 'spec_version':
        for (const v of list)
          if (!/^\d\.\d$/.test(v)) throw refuse(`${name}: not a STIX version`, { value: v });
        filter = { ...filter, specVersions: new Set(list) };
        break;
      case 'tlp': {
        const levels = list.map((v) => {
          const tlp = tlpFromName(v);
          if (!tlp)
            throw refuse(`${name}: not a TLP 2.0 level (clear, green, amber, amber+strict, red)`, {
              value: v,
            });
          return tlp;
        });
        filter = { ...filter, tlps: new Set(levels) };
        break;
      }
    }
  }
  return filter;
}

/** The version of an object: `modified`, else `created` (a marking definition has only that). */
export function stixVersionOf(object: StixObject): string {
  const v = typeof object.modified === 'string' ? object.modified : object.created;
  return typeof v === 'string' ? v : '';
}

function markingsOf(object: StixObject): readonly unknown[] {
  return Array.isArray(object.object_marking_refs) ? object.object_marking_refs : [];
}

/**
 * True when the object passes every field of the filter. Every object here
 * has exactly one version, so `first`, `last` and `all` each match it and an
 * exact version matches when equal (instants compared, not strings).
 */
export function matchesTaxiiFilter(
  object: StixObject,
  dateAdded: number,
  filter: TaxiiFilter,
): boolean {
  if (filter.addedAfter !== undefined && !(dateAdded > filter.addedAfter)) return false;
  if (filter.ids && !filter.ids.has(object.id)) return false;
  if (filter.types && !filter.types.has(object.type)) return false;
  const specVersion = typeof object.spec_version === 'string' ? object.spec_version : '2.0';
  if (filter.specVersions && !filter.specVersions.has(specVersion)) return false;
  if (filter.versions) {
    const version = Date.parse(stixVersionOf(object));
    const ok = filter.versions.some(
      (v) => v === 'first' || v === 'last' || v === 'all' || Date.parse(v) === version,
    );
    if (!ok) return false;
  }
  if (filter.tlps) {
    const tlps = filter.tlps;
    const ok = markingsOf(object).some((ref) => {
      const tlp = typeof ref === 'string' ? tlpOfMarkingId(ref) : undefined;
      return tlp !== undefined && tlps.has(tlp);
    });
    if (!ok) return false;
  }
  return true;
}

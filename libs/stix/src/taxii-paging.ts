/**
 * Paging a TAXII collection over a feed. A collection's objects have a stable
 * order: first the shared objects (position 0, in id order), then each feed
 * entry's objects in the entry's order (position = the feed entry id, which
 * only grows, and the object's index in the entry). `next` is an opaque token
 * naming the last position served, bound to the collection and to the filter
 * it was made for, so a page never depends on `added_after` and objects that
 * arrive while a client pages are neither skipped nor repeated: they come
 * after every position already served.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '@liaison/errors';
import type { StixObject } from './stix-object';
import { matchesTaxiiFilter, type TaxiiFilter } from './taxii-filter';

/** One feed entry's objects, at the entry's position in the feed. */
export interface SequencedEntry {
  /** The feed entry id (a positive bigint, as text). */
  readonly seq: string;
  /** When the hub added the entry (ms since the epoch). */
  readonly dateAdded: number;
  readonly objects: readonly StixObject[];
}

/** Entries with seq > `afterSeq`, in seq order, at most `limit`. */
export type EntryReader = (afterSeq: string, limit: number) => Promise<readonly SequencedEntry[]>;

export interface TaxiiPosition {
  readonly seq: string;
  /** Index within the entry; for the shared objects (seq 0), the object id. */
  readonly at: number | string;
}

export interface PagedObject {
  readonly object: StixObject;
  readonly dateAdded: number;
  readonly position: TaxiiPosition;
}

export interface TaxiiPage {
  readonly items: readonly PagedObject[];
  /** True when more objects follow now. */
  readonly more: boolean;
  /**
   * The position after this page: set whenever the client has a position
   * (also on the last page, so that it can ask later for only what arrived
   * since, without `added_after`).
   */
  readonly next?: string;
}

export interface CollectionPageRequest {
  readonly collectionId: string;
  /** Objects every page sequence starts with, at position 0 (sorted by id here). */
  readonly shared: readonly StixObject[];
  readonly sharedDateAdded: number;
  readonly read: EntryReader;
  readonly filter: TaxiiFilter;
  /** The canonical text of the filter, which `next` is bound to. */
  readonly filterKey: string;
  readonly next?: string;
  readonly limit: number;
  /** Feed entries read per query. */
  readonly batch?: number;
}

function bindingOf(collectionId: string, filterKey: string): string {
  return createHash('sha256')
    .update(`${collectionId}\n${filterKey}`)
    .digest('base64url')
    .slice(0, 16);
}

export function encodeNext(
  position: TaxiiPosition,
  collectionId: string,
  filterKey: string,
): string {
  return Buffer.from(
    JSON.stringify({ s: position.seq, a: position.at, b: bindingOf(collectionId, filterKey) }),
  ).toString('base64url');
}

function badNext(reason: string): DomainError {
  return new DomainError('taxii.bad-next', `next: ${reason}`, 'invalid-input');
}

export function decodeNext(token: string, collectionId: string, filterKey: string): TaxiiPosition {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(token)) throw badNext('not a token this server issued');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badNext('not a token this server issued');
  }
  const p = parsed as { s?: unknown; a?: unknown; b?: unknown };
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof p.s !== 'string' ||
    !/^(0|[1-9]\d{0,18})$/.test(p.s) ||
    !(typeof p.a === 'string' || (typeof p.a === 'number' && Number.isSafeInteger(p.a)))
  )
    throw badNext('not a token this server issued');
  if (p.b !== bindingOf(collectionId, filterKey))
    throw badNext(
      'issued for another collection or other filters; repeat the filters it came with',
    );
  return { seq: p.s, at: p.a };
}

/** A canonical text of a filter, for binding `next` to it. */
export function filterKeyOf(filter: TaxiiFilter): string {
  const sorted = (s?: ReadonlySet<string> | readonly string[]) => (s ? [...s].sort() : null);
  return JSON.stringify([
    filter.addedAfter ?? null,
    sorted(filter.ids),
    sorted(filter.types),
    sorted(filter.versions),
    sorted(filter.specVersions),
    sorted(filter.tlps),
  ]);
}

/** One page of a collection, after the position `next` names (or from the start). */
export async function readCollectionPage(req: CollectionPageRequest): Promise<TaxiiPage> {
  const after =
    req.next === undefined ? undefined : decodeNext(req.next, req.collectionId, req.filterKey);
  const items: PagedObject[] = [];
  const want = req.limit + 1;
  const keep = (object: StixObject, dateAdded: number, position: TaxiiPosition) => {
    if (matchesTaxiiFilter(object, dateAdded, req.filter))
      items.push({ object, dateAdded, position });
  };
  if (after === undefined || after.seq === '0') {
    const from = after === undefined ? undefined : String(after.at);
    const shared = [...req.shared].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const object of shared) {
      if (items.length >= want) break;
      if (from !== undefined && object.id <= from) continue;
      keep(object, req.sharedDateAdded, { seq: '0', at: object.id });
    }
  }
  const batch = req.batch ?? 200;
  // The entry `after` names may have objects left past its index: read from it.
  let cursor = after === undefined || after.seq === '0' ? '0' : (BigInt(after.seq) - 1n).toString();
  while (items.length < want) {
    const entries = await req.read(cursor, batch);
    for (const entry of entries) {
      entry.objects.forEach((object, index) => {
        if (after && entry.seq === after.seq && typeof after.at === 'number' && index <= after.at)
          return;
        keep(object, entry.dateAdded, { seq: entry.seq, at: index });
      });
      cursor = entry.seq;
      if (items.length >= want) break;
    }
    if (entries.length < batch) break;
  }
  const page = items.slice(0, req.limit);
  const last = page[page.length - 1]?.position ?? after;
  const more = items.length > req.limit;
  return last
    ? { items: page, more, next: encodeNext(last, req.collectionId, req.filterKey) }
    : { items: page, more };
}

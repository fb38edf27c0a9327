/**
 * The TAXII 2.1 server's data: a partner agency's collections (its feed, and
 * one per case it takes part in) as STIX 2.1 objects of libs/stix. A feed
 * entry the hub can read (a plaintext presentation) is mapped from the
 * presentation's claims after checking the originator's signature, exactly the
 * recipient's redacted view; an encrypted one only from its envelope, with the
 * JWE (the recipient decrypts it, or exports STIX locally with `liaison stix
 * export`). Link notices become groupings.
 *
 * Feed entries are read in id order, and only those whose inserting
 * transaction precedes every transaction still running (`xmin` against the
 * snapshot's xmin): an entry committed after a later-numbered one is held back
 * until both are visible, so paging by id never steps over it.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { messageClaimShape, messageKindOfClaims } from '@liaison/contracts';
import { verifyPresentation } from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import type { Logger } from '@liaison/observability';
import { CaseRepository, FeedRepository } from '@liaison/persistence';
import {
  deliveryStixObjects,
  linkNoticeStixObjects,
  LIAISON_STIX_DEFINED_AT,
  readCollectionPage,
  sharedStixObjects,
  uuidV5,
  type RecipientView,
  type SequencedEntry,
  type StixObject,
  type TaxiiFilter,
  type TaxiiPage,
} from '@liaison/stix';
import type { DirectoryCache } from '../directory-cache';
import { entryOf } from '../feed/feed.service';
import { DATA_SOURCE, DIRECTORY_CACHE, LOGGER } from '../tokens';
import { STIX_MEDIA_TYPE } from './taxii-http';

export interface TaxiiCollection {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly can_read: true;
  readonly can_write: false;
  readonly media_types: readonly string[];
}

export interface ResolvedCollection {
  readonly collection: TaxiiCollection;
  /** Set for a case collection: only entries of this case. */
  readonly caseRef?: string;
}

function notFound(what: string): DomainError {
  // The same answer for "absent" and "not yours".
  return new DomainError('taxii.not-found', `no ${what} for this agency`, 'not-found');
}

function collection(id: string, title: string, description: string): TaxiiCollection {
  return {
    id,
    title,
    description,
    can_read: true,
    can_write: false,
    media_types: [STIX_MEDIA_TYPE],
  };
}

@Injectable()
export class TaxiiService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(DIRECTORY_CACHE) private readonly directory: DirectoryCache,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** The API root of an agency: only its own (any other is absent to it). */
  requireOwnRoot(agencyId: string, root: string): void {
    if (root !== agencyId) throw notFound(`API root ${root}`);
  }

  /** The agency's feed, then one collection per case it takes part in. */
  async collections(agencyId: string): Promise<ResolvedCollection[]> {
    const caseRefs = await new CaseRepository(this.ds).caseRefsOf(agencyId);
    return [
      { collection: this.feedCollection(agencyId) },
      ...caseRefs.map((caseRef) => ({
        collection: this.caseCollection(agencyId, caseRef),
        caseRef,
      })),
    ];
  }

  async resolve(agencyId: string, collectionId: string): Promise<ResolvedCollection> {
    const found = (await this.collections(agencyId)).find((c) => c.collection.id === collectionId);
    if (!found) throw notFound(`collection ${collectionId}`);
    return found;
  }

  async page(
    agencyId: string,
    resolved: ResolvedCollection,
    filter: TaxiiFilter,
    filterKey: string,
    next: string | undefined,
    limit: number,
  ): Promise<TaxiiPage> {
    const dir = await this.directory.get();
    const shared = sharedStixObjects(
      dir.agencies.map((a) => ({ id: a.id, name: a.name, jurisdiction: a.jurisdiction })),
    );
    return readCollectionPage({
      collectionId: resolved.collection.id,
      shared,
      sharedDateAdded: Date.parse(LIAISON_STIX_DEFINED_AT),
      read: (afterSeq, n) => this.entries(agencyId, resolved.caseRef, afterSeq, n),
      filter,
      filterKey,
      limit,
      ...(next === undefined ? {} : { next }),
    });
  }

  private feedCollection(agencyId: string): TaxiiCollection {
    return collection(
      uuidV5(`taxii-collection:feed:${agencyId}`),
      `Feed of ${agencyId}`,
      `Everything delivered to ${agencyId}: alerts, case notices and link notices, as ${agencyId} is entitled to see them.`,
    );
  }

  private caseCollection(agencyId: string, caseRef: string): TaxiiCollection {
    return collection(
      uuidV5(`taxii-collection:case:${agencyId}:${caseRef}`),
      `Case ${caseRef}`,
      `The deliveries of case ${caseRef} in the feed of ${agencyId}.`,
    );
  }

  private async entries(
    agencyId: string,
    caseRef: string | undefined,
    afterSeq: string,
    limit: number,
  ): Promise<SequencedEntry[]> {
    const rows = await new FeedRepository(this.ds).settledEntriesAfter(agencyId, afterSeq, limit);
    const dir = await this.directory.get();
    return rows.map((row) => {
      const seq = row.id;
      const entry = entryOf(seq, row.record, row.entryKind);
      const dateAdded = new Date(row.createdAt).getTime();
      if ('linkNotice' in entry) {
        // A link notice belongs to the feed, not to a case collection.
        return { seq, dateAdded, objects: caseRef ? [] : linkNoticeStixObjects(entry.linkNotice) };
      }
      // A case clock notice is the hub's reminder of a deadline, not STIX content.
      if (!('delivery' in entry)) return { seq, dateAdded, objects: [] };
      const delivery = entry.delivery;
      if (caseRef !== undefined && delivery.caseRef !== caseRef)
        return { seq, dateAdded, objects: [] };
      let view: RecipientView = { delivery };
      if (!delivery.encrypted) {
        try {
          const seen = verifyPresentation(delivery.presentation, {
            directory: dir.keys,
            shape: (payload) => messageClaimShape(messageKindOfClaims(payload)),
            now: Date.now,
          });
          view = { delivery, claims: seen.claims, disclosedPaths: seen.disclosedPaths };
        } catch (error) {
          // Served from its envelope only (TLP:RED), never from unverified claims.
          this.log.warn(
            { err: error, messageId: delivery.messageId, agencyId },
            'taxii: a delivery presentation does not verify; serving its envelope only',
          );
        }
      }
      const objects: StixObject[] = deliveryStixObjects(view);
      return { seq, dateAdded, objects };
    });
  }
}

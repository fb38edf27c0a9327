/**
 * Agencies' feeds in PostgreSQL (feed_entry): each entry an encoded record (a
 * delivery, a link notice or a clock notice) under its per-feed id, written by
 * the audit app and read in id order by the feed readers.
 */
import { selectRows, type Page } from './sql-conditions';
import type { SqlRunner } from './sql-runner';

/**
 * pg_advisory_xact_lock key every writer of feed_entry takes before its insert
 * ("LFED"). Held to commit, it makes the order in which entries commit the
 * order of their ids, so a reader that has passed an id never meets a smaller
 * one committed later (a live stream would skip it). Writers take it in the
 * insert statement itself: `WITH append_lock AS (SELECT
 * pg_advisory_xact_lock(<key>))`, joined into the insert's source.
 */
export const FEED_APPEND_LOCK = 0x4c464544;

/** A feed entry as stored: the id is a bigint, as text. */
export interface FeedEntryRow {
  readonly id: string;
  readonly record: Buffer;
  readonly entryKind: string;
  readonly createdAt: Date;
}

/** A link notice as its feed keeps it: the entry id (bigint, as text) and the LinkNotice Avro record. */
export interface StoredLinkNotice {
  readonly id: string;
  readonly record: Buffer;
}

export class FeedRepository {
  constructor(private readonly db: SqlRunner) {}

  /**
   * Up to `limit` entries of the agency's feed after id `after`, in id order,
   * only those written by transactions older than every one still running. With
   * FEED_APPEND_LOCK on every writer, a later read never finds an entry below a
   * position already passed (TAXII paging by added order relies on it).
   */
  async settledEntriesAfter(
    agencyId: string,
    after: string,
    limit: number,
  ): Promise<FeedEntryRow[]> {
    const rows = (await this.db.query(
      `SELECT id, record, entry_kind, created_at FROM feed_entry
        WHERE agency_id = $1 AND id > $2
          AND age(xmin) > age((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text::xid)
        ORDER BY id LIMIT $3`,
      [agencyId, after, limit],
    )) as { id: string; record: Buffer; entry_kind: string; created_at: Date }[];
    return rows.map((r) => ({
      id: String(r.id),
      record: r.record,
      entryKind: r.entry_kind,
      createdAt: r.created_at,
    }));
  }

  /**
   * The agency's link notices (LINK_NOTICE entries, the Avro record as stored),
   * newest first, older than entry id `before` when given.
   */
  async linkNoticesBefore(
    agencyId: string,
    limit: number,
    before?: number,
  ): Promise<Page<StoredLinkNotice>> {
    const rows = await selectRows<StoredLinkNotice>(
      this.db,
      `SELECT id, record FROM feed_entry
        WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE' AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $2`,
      [agencyId, limit + 1, before ?? null],
    );
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  /** How many link notices the agency's feed holds. */
  async linkNoticeCount(agencyId: string): Promise<number> {
    const [row] = await selectRows<{ n: string }>(
      this.db,
      `SELECT count(*) AS n FROM feed_entry WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE'`,
      [agencyId],
    );
    return Number(row?.n ?? 0);
  }
}

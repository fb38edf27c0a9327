/**
 * An agency's link notices as its feed keeps them (feed_entry rows of kind
 * LINK_NOTICE, the Avro record as stored), newest first.
 */
import type { Db, Page } from './sql-conditions';

export interface StoredLinkNotice {
  readonly id: string;
  /** The LinkNotice Avro record. */
  readonly record: Buffer;
}

/** The agency's notices older than `before` (a notice id) when given, newest first. */
export async function linkNoticePage(
  db: Db,
  agency: string,
  limit: number,
  before?: number,
): Promise<Page<StoredLinkNotice>> {
  const rows = await db.query<StoredLinkNotice[]>(
    `SELECT id, record FROM feed_entry
      WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE' AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $2`,
    [agency, limit + 1, before ?? null],
  );
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/** How many link notices the agency's feed holds. */
export async function linkNoticeCount(db: Db, agency: string): Promise<number> {
  const [row] = await db.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM feed_entry WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE'`,
    [agency],
  );
  return Number(row?.n ?? 0);
}

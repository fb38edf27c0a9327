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

export async function linkNoticePage(
  db: Db,
  agency: string,
  limit: number,
): Promise<Page<StoredLinkNotice>> {
  const rows = await db.query<StoredLinkNotice[]>(
    `SELECT id, record FROM feed_entry
      WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE'
      ORDER BY id DESC LIMIT $2`,
    [agency, limit + 1],
  );
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

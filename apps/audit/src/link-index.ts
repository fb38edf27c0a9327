/**
 * The link index and link notices in PostgreSQL, inside the ledger writer's
 * transaction: the new message's rows (the rows sharing a pseudonym with it are
 * read with @liaison/persistence rowsSharing), and the notices written into the recipients' feeds (feed_entry, kind
 * LINK_NOTICE) with a NOTIFY so streaming gateways wake up on commit.
 * Idempotent: a row or notice already there is left alone.
 */
import type { QueryRunner } from 'typeorm';
import type { NewLinkRow, PlannedLinkNotice } from './link-notices';

/** The feed store's wake-up channel (as the feed projector uses it). */
const FEED_CHANNEL = 'liaison_feed';

export async function insertLinkRows(
  runner: QueryRunner,
  rows: readonly NewLinkRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await runner.query(
    `INSERT INTO link_index (epoch, kind, pseudonym, message_id, agency_id, case_handle, tlp,
                             handling_code, releasable_to, named_recipients, indexed_at, retain_until)
     SELECT r.epoch, r.kind, r.pseudonym, r.message_id, r.agency_id, r.case_handle, r.tlp,
            r.handling_code,
            ARRAY(SELECT jsonb_array_elements_text(r.releasable_to)),
            ARRAY(SELECT jsonb_array_elements_text(r.named_recipients)),
            r.indexed_at, r.retain_until
       FROM unnest($1::int[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::jsonb[], $10::jsonb[], $11::timestamptz[], $12::timestamptz[])
         AS r(epoch, kind, pseudonym, message_id, agency_id, case_handle, tlp, handling_code,
              releasable_to, named_recipients, indexed_at, retain_until)
     ON CONFLICT DO NOTHING`,
    [
      rows.map((r) => r.epoch),
      rows.map((r) => r.kind),
      rows.map((r) => r.pseudonym),
      rows.map((r) => r.messageId),
      rows.map((r) => r.agency),
      rows.map((r) => r.caseHandle),
      rows.map((r) => r.tlp),
      rows.map((r) => r.handlingCode),
      rows.map((r) => JSON.stringify(r.releasableTo)),
      rows.map((r) => JSON.stringify(r.namedRecipients)),
      rows.map((r) => r.indexedAt),
      rows.map((r) => r.retainUntil),
    ],
  );
}

/** Notices into the recipients' feeds; returns how many were new. */
export async function insertLinkNotices(
  runner: QueryRunner,
  notices: readonly PlannedLinkNotice[],
): Promise<number> {
  if (notices.length === 0) return 0;
  const rows = (await runner.query(
    `WITH inserted AS (
       INSERT INTO feed_entry (agency_id, message_id, kafka_offset, record, entry_kind)
       SELECT n.agency_id, n.notice_id, -1, n.record, 'LINK_NOTICE'
         FROM unnest($1::text[], $2::uuid[], $3::bytea[]) WITH ORDINALITY AS n(agency_id, notice_id, record, i)
        ORDER BY n.i
       ON CONFLICT (agency_id, message_id) DO NOTHING
       RETURNING agency_id
     )
     SELECT agency_id, count(*)::int AS entries, pg_notify($4, agency_id)
       FROM inserted GROUP BY agency_id`,
    [
      notices.map((n) => n.recipientAgency),
      notices.map((n) => n.noticeId),
      notices.map((n) => n.record),
      FEED_CHANNEL,
    ],
  )) as { entries: number }[];
  return rows.reduce((n, r) => n + r.entries, 0);
}

/** Index rows past their message's retention. */
export async function purgeLinkRows(db: { query(sql: string): Promise<unknown> }): Promise<number> {
  const rows = (await db.query(
    `DELETE FROM link_index WHERE retain_until <= now() RETURNING 1`,
  )) as unknown[];
  return rows.length;
}

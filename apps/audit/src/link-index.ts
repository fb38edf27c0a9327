/**
 * The link index in PostgreSQL, inside the ledger writer's transaction: the new
 * message's rows (the rows sharing a pseudonym with it are read with
 * @liaison/persistence rowsSharing; its notices go into the feeds through
 * hub-notices.ts). Idempotent: a row already there is left alone.
 */
import type { QueryRunner } from 'typeorm';
import type { NewLinkRow } from './link-notices';

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

/** Index rows past their message's retention. */
export async function purgeLinkRows(db: { query(sql: string): Promise<unknown> }): Promise<number> {
  const rows = (await db.query(
    `DELETE FROM link_index WHERE retain_until <= now() RETURNING 1`,
  )) as unknown[];
  return rows.length;
}

/**
 * A recipient's presentation is kept as the disclosure indices it was made of,
 * not as a copy of its text. The originator's token (`message_content.sd_jwt`)
 * is kept at least as long as any recipient's delivery (its retention is the
 * longest of theirs), and a presentation is the token's issuer JWT followed by
 * the disclosures at those indices: the audit view rebuilds it on read and
 * checks it against the ledger row's digest. Every delivery had written its
 * presentation twice (the feed entry and this copy); this halves the content
 * written per delivery. Rows written before keep their text.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryContentByReference1732340400000 implements MigrationInterface {
  name = 'DeliveryContentByReference1732340400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_content ADD COLUMN disclosure_indices int[]`);
    await q.query(`ALTER TABLE delivery_content ALTER COLUMN presentation DROP NOT NULL`);
    await q.query(
      `ALTER TABLE delivery_content ADD CONSTRAINT delivery_content_has_content
       CHECK (presentation IS NOT NULL OR disclosure_indices IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Rebuild the text of every row kept by reference: issuer JWT~, then each
    // disclosure at the indices in ascending order, each followed by ~.
    await q.query(`
      UPDATE delivery_content d SET presentation = (
        SELECT split_part(m.sd_jwt, '~', 1) || '~' ||
               coalesce(string_agg(split_part(m.sd_jwt, '~', i + 2) || '~', '' ORDER BY i), '')
        FROM unnest(d.disclosure_indices) AS i
      )
      FROM message_content m
      WHERE d.presentation IS NULL AND m.message_id = d.message_id
    `);
    // A row whose token is gone had outlived its content's retention: nothing to keep.
    await q.query(`DELETE FROM delivery_content WHERE presentation IS NULL`);
    await q.query(`ALTER TABLE delivery_content DROP CONSTRAINT delivery_content_has_content`);
    await q.query(`ALTER TABLE delivery_content ALTER COLUMN presentation SET NOT NULL`);
    await q.query(`ALTER TABLE delivery_content DROP COLUMN disclosure_indices`);
  }
}

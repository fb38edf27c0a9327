/**
 * A held share released by the original originator's consent.
 * - share_ledger.release_of: the onward consent request under which a row
 *   delivers a message its pair (message, recipient) was first denied; null
 *   on every other row.
 * - The pair was unique; now a pair holds one row of the message's own
 *   decision and at most one release, and a release is always a delivery
 *   (never a second denial). Rows written before are untouched, so their
 *   leaves (v1) verify as they did.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ShareLedgerRelease1732342300000 implements MigrationInterface {
  name = 'ShareLedgerRelease1732342300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE share_ledger ADD COLUMN release_of uuid;
      ALTER TABLE share_ledger
        ADD CONSTRAINT share_ledger_release_delivers CHECK (release_of IS NULL OR decision <> 'DENIED');
      CREATE UNIQUE INDEX share_ledger_decided ON share_ledger (message_id, recipient_agency)
        WHERE release_of IS NULL;
      CREATE UNIQUE INDEX share_ledger_released ON share_ledger (message_id, recipient_agency)
        WHERE release_of IS NOT NULL;
      ALTER TABLE share_ledger DROP CONSTRAINT share_ledger_message_id_recipient_agency_key;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX share_ledger_released;
      DROP INDEX share_ledger_decided;
      ALTER TABLE share_ledger DROP CONSTRAINT share_ledger_release_delivers;
      ALTER TABLE share_ledger DROP COLUMN release_of;
      ALTER TABLE share_ledger
        ADD CONSTRAINT share_ledger_message_id_recipient_agency_key UNIQUE (message_id, recipient_agency);
    `);
  }
}

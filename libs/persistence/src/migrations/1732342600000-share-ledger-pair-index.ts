/**
 * One index for a ledger pair (message, recipient), usable by every lookup.
 * The pair's two partial unique indexes (its own decision, WHERE release_of IS
 * NULL; a release, WHERE release_of IS NOT NULL) served no query that does not
 * name release_of, so the writer's check for pairs already stored, a message's
 * outcomes per recipient and the onward-sharing check read the whole ledger on
 * every call. One unique index over (message_id, recipient_agency, whether it
 * is a release) holds the same rule (at most one decision and one release per
 * pair) and serves lookups by message, or by message and recipient.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ShareLedgerPairIndex1732342600000 implements MigrationInterface {
  name = 'ShareLedgerPairIndex1732342600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNIQUE INDEX share_ledger_pair
        ON share_ledger (message_id, recipient_agency, (release_of IS NOT NULL));
      DROP INDEX share_ledger_decided;
      DROP INDEX share_ledger_released;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNIQUE INDEX share_ledger_decided ON share_ledger (message_id, recipient_agency)
        WHERE release_of IS NULL;
      CREATE UNIQUE INDEX share_ledger_released ON share_ledger (message_id, recipient_agency)
        WHERE release_of IS NOT NULL;
      DROP INDEX share_ledger_pair;
    `);
  }
}

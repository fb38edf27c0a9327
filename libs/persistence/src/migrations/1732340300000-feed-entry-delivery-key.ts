/**
 * A feed entry is unique per (agency, message), the exactly-once unit, instead
 * of per (agency, Kafka offset). Offsets start again at 0 when a feed topic is
 * recreated or the hub is pointed at a new cluster, and the old key then made
 * the projector drop every new delivery whose offset an old entry already had,
 * without a word (seen with the local stack: a fresh broker against an existing
 * database). Re-delivery of the same record stays harmless.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FeedEntryDeliveryKey1732340300000 implements MigrationInterface {
  name = 'FeedEntryDeliveryKey1732340300000';

  async up(q: QueryRunner): Promise<void> {
    // A message delivered twice to one agency can only be a copy (a re-projected
    // or leaked record): keep the entry projected last.
    await q.query(`
      DELETE FROM feed_entry f USING feed_entry later
      WHERE later.agency_id = f.agency_id AND later.message_id = f.message_id AND later.id > f.id
    `);
    await q.query(`ALTER TABLE feed_entry DROP CONSTRAINT feed_entry_agency_id_kafka_offset_key`);
    await q.query(`DROP INDEX feed_entry_message`);
    await q.query(`CREATE UNIQUE INDEX feed_entry_delivery ON feed_entry (agency_id, message_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX feed_entry_delivery`);
    await q.query(`CREATE INDEX feed_entry_message ON feed_entry (message_id, agency_id)`);
    await q.query(
      `ALTER TABLE feed_entry ADD CONSTRAINT feed_entry_agency_id_kafka_offset_key UNIQUE (agency_id, kafka_offset)`,
    );
  }
}

/**
 * The link index and link notices in the feed store.
 * - link_index: one row per keyed pseudonym a message holds (never a selector in
 *   clear), with the holder, its case handle and the marks that decide who may
 *   learn of a link; kept until the message's content retention ends.
 * - feed_entry.entry_kind: a feed entry is a delivery or a link notice (its
 *   record is then a LinkNotice, its message_id the notice id).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LinkIndex1732341200000 implements MigrationInterface {
  name = 'LinkIndex1732341200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE link_index (
        epoch int NOT NULL,
        kind text NOT NULL,
        pseudonym text NOT NULL,
        message_id uuid NOT NULL,
        agency_id text NOT NULL,
        case_handle text,
        tlp text NOT NULL,
        handling_code text NOT NULL,
        releasable_to text[] NOT NULL DEFAULT '{}',
        named_recipients text[] NOT NULL DEFAULT '{}',
        indexed_at timestamptz NOT NULL,
        retain_until timestamptz NOT NULL,
        PRIMARY KEY (epoch, kind, pseudonym, message_id)
      );
      CREATE INDEX link_index_retain_until ON link_index (retain_until);
      GRANT SELECT, INSERT, DELETE ON link_index TO liaison_app;
      ALTER TABLE feed_entry ADD COLUMN entry_kind text NOT NULL DEFAULT 'DELIVERY'
        CHECK (entry_kind IN ('DELIVERY', 'LINK_NOTICE'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM feed_entry WHERE entry_kind = 'LINK_NOTICE';
      ALTER TABLE feed_entry DROP COLUMN entry_kind;
      DROP TABLE link_index;
    `);
  }
}

/**
 * Onward consent notices in the feeds: a feed entry may be an
 * OnwardConsentNotice (entry_kind ONWARD_CONSENT_NOTICE, its message_id the
 * notice id): the original originator is told of a request, the requester of
 * the answer.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OnwardConsentNotice1732342400000 implements MigrationInterface {
  name = 'OnwardConsentNotice1732342400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE feed_entry DROP CONSTRAINT feed_entry_entry_kind_check;
      ALTER TABLE feed_entry ADD CONSTRAINT feed_entry_entry_kind_check
        CHECK (entry_kind IN ('DELIVERY', 'LINK_NOTICE', 'CASE_CLOCK_NOTICE', 'ONWARD_CONSENT_NOTICE'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM feed_entry WHERE entry_kind = 'ONWARD_CONSENT_NOTICE';
      ALTER TABLE feed_entry DROP CONSTRAINT feed_entry_entry_kind_check;
      ALTER TABLE feed_entry ADD CONSTRAINT feed_entry_entry_kind_check
        CHECK (entry_kind IN ('DELIVERY', 'LINK_NOTICE', 'CASE_CLOCK_NOTICE'));
    `);
  }
}

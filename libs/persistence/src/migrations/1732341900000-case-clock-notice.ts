/**
 * Clock notices of case requests.
 * - case_clock_notice: every DEADLINE_APPROACHING and OVERDUE notice the hub
 *   raised, one row per recipient, keyed by its derived notice id, so a notice
 *   is raised once however often the clocks are checked, and never again after
 *   its feed entry is purged.
 * - feed_entry.entry_kind: a feed entry may be a clock notice (its record is
 *   then a CaseClockNotice, its message_id the notice id).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CaseClockNotice1732341900000 implements MigrationInterface {
  name = 'CaseClockNotice1732341900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_clock_notice (
        notice_id uuid PRIMARY KEY,
        recipient_agency text NOT NULL,
        alert text NOT NULL CHECK (alert IN ('DEADLINE_APPROACHING', 'OVERDUE')),
        case_ref text NOT NULL,
        request_id uuid NOT NULL,
        requested_agency text NOT NULL,
        clock text NOT NULL,
        due_at timestamptz NOT NULL,
        raised_at timestamptz NOT NULL
      );
      CREATE INDEX case_clock_notice_case ON case_clock_notice (case_ref, raised_at);
      GRANT SELECT, INSERT ON case_clock_notice TO liaison_app;
      ALTER TABLE feed_entry DROP CONSTRAINT feed_entry_entry_kind_check;
      ALTER TABLE feed_entry ADD CONSTRAINT feed_entry_entry_kind_check
        CHECK (entry_kind IN ('DELIVERY', 'LINK_NOTICE', 'CASE_CLOCK_NOTICE'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM feed_entry WHERE entry_kind = 'CASE_CLOCK_NOTICE';
      ALTER TABLE feed_entry DROP CONSTRAINT feed_entry_entry_kind_check;
      ALTER TABLE feed_entry ADD CONSTRAINT feed_entry_entry_kind_check
        CHECK (entry_kind IN ('DELIVERY', 'LINK_NOTICE'));
      DROP TABLE case_clock_notice;
    `);
  }
}

/**
 * The release of a granted request, kept with the request so a grant never
 * stands without its release:
 * - release: DUE once granted with the held content still kept (the release
 *   submission not yet taken by Kafka), QUEUED once taken, NOTHING when the
 *   content was no longer kept; NULL while pending or refused;
 * - release_queued_at, release_attempts, release_error: when Kafka took it,
 *   how many sends failed, and the last failure.
 * A GRANTED request answered before this column existed counts as QUEUED when
 * the ledger holds its release, DUE otherwise (the gateway then sends it: the
 * worker refuses a second release of one request, so a resend is harmless).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OnwardReleaseState1732342500000 implements MigrationInterface {
  name = 'OnwardReleaseState1732342500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE onward_consent_request
        ADD COLUMN release text CHECK (release IN ('DUE', 'QUEUED', 'NOTHING')),
        ADD COLUMN release_queued_at timestamptz,
        ADD COLUMN release_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN release_error text,
        ADD CONSTRAINT onward_consent_request_release_granted
          CHECK ((status = 'GRANTED') = (release IS NOT NULL));
      UPDATE onward_consent_request r
         SET release = CASE WHEN EXISTS (SELECT 1 FROM share_ledger l WHERE l.release_of = r.request_id)
                            THEN 'QUEUED' ELSE 'DUE' END
       WHERE r.status = 'GRANTED';
      CREATE INDEX onward_consent_request_release_due ON onward_consent_request (answered_at)
        WHERE release = 'DUE';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE onward_consent_request
        DROP CONSTRAINT onward_consent_request_release_granted,
        DROP COLUMN release, DROP COLUMN release_queued_at,
        DROP COLUMN release_attempts, DROP COLUMN release_error;
    `);
  }
}

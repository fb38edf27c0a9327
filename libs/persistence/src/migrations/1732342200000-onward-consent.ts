/**
 * Onward sharing with consent.
 * - onward_consent_request: one row per message held back by the policy
 *   worker (`builtin:onward-without-consent`) and per received message whose
 *   marks hold it: who re-published (requester), the held recipients, and the
 *   original originator, who grants or refuses. A GRANTED row is the consent
 *   the worker reads: its recipients may receive what re-publishes the
 *   original. Metadata only: no content, no selector.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OnwardConsent1732342200000 implements MigrationInterface {
  name = 'OnwardConsent1732342200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE onward_consent_request (
        request_id uuid PRIMARY KEY,
        held_message_id uuid NOT NULL,
        requester_agency text NOT NULL,
        original_message_id uuid NOT NULL,
        original_agency text NOT NULL,
        recipients text[] NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'GRANTED', 'REFUSED')),
        requested_at timestamptz NOT NULL,
        answered_at timestamptz,
        answered_by text,
        reason text,
        UNIQUE (held_message_id, original_message_id)
      );
      CREATE INDEX onward_consent_request_original ON onward_consent_request (original_message_id)
        WHERE status = 'GRANTED';
      CREATE INDEX onward_consent_request_parties ON onward_consent_request (original_agency, requested_at);
      CREATE INDEX onward_consent_request_requester ON onward_consent_request (requester_agency, requested_at);
      GRANT SELECT, INSERT, UPDATE ON onward_consent_request TO liaison_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE onward_consent_request`);
  }
}

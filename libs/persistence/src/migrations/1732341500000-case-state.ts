/**
 * The case as a shared object: `case_state` holds each case's state as folded
 * from its signed notices (libs/cases), written in the ledger writer's
 * transaction; `case_event_refusal` holds the notices the state machine did
 * not take in, with the reason code, for oversight and the acting agency.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CaseState1732341500000 implements MigrationInterface {
  name = 'CaseState1732341500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_state (
        case_ref text PRIMARY KEY,
        state jsonb NOT NULL,
        participants text[] NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX case_state_participants ON case_state USING gin (participants);
      CREATE TABLE case_event_refusal (
        message_id uuid PRIMARY KEY,
        case_ref text NOT NULL,
        agency text NOT NULL,
        code text NOT NULL,
        reason text NOT NULL,
        occurred_at timestamptz NOT NULL
      );
      CREATE INDEX case_event_refusal_case ON case_event_refusal (case_ref, occurred_at);
      GRANT SELECT, INSERT, UPDATE ON case_state TO liaison_app;
      GRANT SELECT, INSERT ON case_event_refusal TO liaison_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS case_event_refusal, case_state;`);
  }
}

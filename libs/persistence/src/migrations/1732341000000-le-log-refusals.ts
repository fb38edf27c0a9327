/**
 * Refusals in the law-enforcement log: a REFUSAL action (a gateway 4xx or a
 * worker dead letter, metadata only), and an optional event key, unique where
 * set, so an entry written from a Kafka record that is delivered again is
 * written once (INSERT ... ON CONFLICT DO NOTHING needs no UPDATE right).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const ACTIONS = `'COLLECTION','ALTERATION','CONSULTATION','DISCLOSURE','COMBINATION','ERASURE'`;

export class LeLogRefusals1732341000000 implements MigrationInterface {
  name = 'LeLogRefusals1732341000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE le_log DROP CONSTRAINT le_log_action_check;
      ALTER TABLE le_log ADD CONSTRAINT le_log_action_check
        CHECK (action IN (${ACTIONS},'REFUSAL'));
      ALTER TABLE le_log ADD COLUMN event_key text;
      CREATE UNIQUE INDEX le_log_event_key ON le_log (event_key) WHERE event_key IS NOT NULL;
      CREATE INDEX le_log_refusal ON le_log (id) WHERE action = 'REFUSAL';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // The log is append-only: REFUSAL rows stay, so the old check is added NOT VALID.
    await q.query(`
      DROP INDEX IF EXISTS le_log_refusal;
      DROP INDEX IF EXISTS le_log_event_key;
      ALTER TABLE le_log DROP COLUMN IF EXISTS event_key;
      ALTER TABLE le_log DROP CONSTRAINT le_log_action_check;
      ALTER TABLE le_log ADD CONSTRAINT le_log_action_check
        CHECK (action IN (${ACTIONS})) NOT VALID;
    `);
  }
}

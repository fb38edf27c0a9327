/**
 * A console session holds the signed justification its reads rest on: the
 * text and the receipt of the officer's audit.read statement in the officer
 * statement log. Only these columns may be updated by the application.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsoleSessionJustification1732341100000 implements MigrationInterface {
  name = 'ConsoleSessionJustification1732341100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE console_session
        ADD COLUMN justification text,
        ADD COLUMN justification_seq bigint,
        ADD COLUMN justification_hash text;
      GRANT UPDATE (justification, justification_seq, justification_hash)
        ON console_session TO liaison_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      REVOKE UPDATE (justification, justification_seq, justification_hash)
        ON console_session FROM liaison_app;
      ALTER TABLE console_session
        DROP COLUMN IF EXISTS justification,
        DROP COLUMN IF EXISTS justification_seq,
        DROP COLUMN IF EXISTS justification_hash;
    `);
  }
}

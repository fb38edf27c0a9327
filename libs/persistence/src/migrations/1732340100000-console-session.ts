/** Console sessions: an officer token is exchanged once for a short session (hash stored only). */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsoleSession1732340100000 implements MigrationInterface {
  name = 'ConsoleSession1732340100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE console_session (
        token_hash text PRIMARY KEY,
        agency_id text NOT NULL REFERENCES agency(id),
        officer_id text NOT NULL,
        roles jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      GRANT SELECT, INSERT, DELETE ON console_session TO liaison_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS console_session`);
  }
}

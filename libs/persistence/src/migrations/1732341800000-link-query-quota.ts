/**
 * Hit/no-hit query quotas: one counter row per agency window and per officer
 * window (libs/links query-quota.ts), admitted and refused queries counted, so
 * the limits hold across gateway restarts and instances and oversight can read
 * every breach. Metadata only: no selector, no pseudonym.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LinkQueryQuota1732341800000 implements MigrationInterface {
  name = 'LinkQueryQuota1732341800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE link_query_quota (
        scope text NOT NULL CHECK (scope IN ('AGENCY', 'OFFICER')),
        holder text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        agency_id text NOT NULL,
        quota int NOT NULL CHECK (quota >= 0),
        used int NOT NULL DEFAULT 0 CHECK (used >= 0),
        refused int NOT NULL DEFAULT 0 CHECK (refused >= 0),
        last_refused_at timestamptz,
        PRIMARY KEY (scope, holder, window_start)
      );
      CREATE INDEX link_query_quota_window_end ON link_query_quota (window_end);
      GRANT SELECT, INSERT, UPDATE ON link_query_quota TO liaison_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE link_query_quota`);
  }
}

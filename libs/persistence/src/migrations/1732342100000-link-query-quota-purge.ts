/**
 * Query quota windows are erased by the retention purge (apps/audit) once they
 * ended longer ago than oversight reads them: the application role may delete
 * them. Nothing else changes in link_query_quota.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LinkQueryQuotaPurge1732342100000 implements MigrationInterface {
  name = 'LinkQueryQuotaPurge1732342100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT DELETE ON link_query_quota TO liaison_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE DELETE ON link_query_quota FROM liaison_app`);
  }
}

/**
 * Cheaper storage for the large content columns, written once per delivery:
 * feed_entry.delivery becomes `json` (kept as the text the gateway serves; it
 * is never queried inside, so building a jsonb tree on every insert bought
 * nothing), and the columns holding presentations and tokens (several KiB each)
 * are compressed with lz4 instead of pglz where the server has lz4 (pglz was the
 * largest part of PostgreSQL's CPU per delivery in the pipeline benchmark).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const CONTENT_COLUMNS = [
  ['feed_entry', 'delivery'],
  ['delivery_content', 'presentation'],
  ['message_content', 'sd_jwt'],
] as const;

async function hasLz4(q: QueryRunner): Promise<boolean> {
  const rows = (await q.query(
    `SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`,
  )) as unknown[];
  return rows.length > 0;
}

export class ContentStorage1732340200000 implements MigrationInterface {
  name = 'ContentStorage1732340200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE feed_entry ALTER COLUMN delivery TYPE json USING delivery::json`);
    if (await hasLz4(q)) {
      for (const [table, column] of CONTENT_COLUMNS)
        await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of CONTENT_COLUMNS)
      await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION pglz`);
    await q.query(`ALTER TABLE feed_entry ALTER COLUMN delivery TYPE jsonb USING delivery::jsonb`);
  }
}

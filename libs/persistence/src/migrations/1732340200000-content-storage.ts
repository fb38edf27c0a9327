/**
 * Cheaper storage for the content written once per delivery:
 * - feed_entry keeps the delivery as the Kafka record itself (`record`, Avro
 *   single-object bytes, which carry their writer schema's fingerprint) instead
 *   of JSON (`delivery jsonb`). The audit app no longer turns every delivery
 *   into JSON and PostgreSQL no longer parses several KiB of it per row; the
 *   gateway decodes a page when an agency reads it.
 * - feed entries are erased with their presentation when the recipient's
 *   retention ends (the purge deletes them; an index by message id finds them).
 * - the columns holding presentations and tokens are compressed with lz4
 *   instead of pglz where the server has lz4 (pglz was a large part of
 *   PostgreSQL's CPU per delivery in the pipeline benchmark).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { codecFor, type Delivery } from '@liaison/contracts';

const CONTENT_COLUMNS = [
  ['feed_entry', 'record'],
  ['delivery_content', 'presentation'],
  ['message_content', 'sd_jwt'],
] as const;

const BATCH = 500;

async function hasLz4(q: QueryRunner): Promise<boolean> {
  const rows = (await q.query(
    `SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`,
  )) as unknown[];
  return rows.length > 0;
}

/** Rewrites every row's content from one column to the other, in id order, a batch at a time. */
async function convertRows<From, To>(
  q: QueryRunner,
  from: string,
  to: { readonly column: string; readonly type: 'bytea' | 'jsonb' },
  convert: (value: From) => To,
): Promise<void> {
  for (let after = '0'; ;) {
    const rows = (await q.query(
      `SELECT id, ${from} AS value FROM feed_entry WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
      [after],
    )) as { id: string; value: From }[];
    const last = rows[rows.length - 1];
    if (!last) return;
    await q.query(
      `UPDATE feed_entry f SET ${to.column} = v.value
       FROM unnest($1::bigint[], $2::${to.type}[]) AS v(id, value) WHERE f.id = v.id`,
      [rows.map((r) => r.id), rows.map((r) => convert(r.value))],
    );
    after = last.id;
  }
}

export class ContentStorage1732340200000 implements MigrationInterface {
  name = 'ContentStorage1732340200000';

  async up(q: QueryRunner): Promise<void> {
    const codec = codecFor('Delivery');
    await q.query(`ALTER TABLE feed_entry ADD COLUMN record bytea`);
    // Rows written before: the JSON form of a decoded Delivery, re-encoded as it arrived.
    await convertRows<Delivery, Buffer>(q, 'delivery', { column: 'record', type: 'bytea' }, (d) =>
      codec.encode(d),
    );
    await q.query(`ALTER TABLE feed_entry ALTER COLUMN record SET NOT NULL`);
    await q.query(`ALTER TABLE feed_entry DROP COLUMN delivery`);
    await q.query(`CREATE INDEX feed_entry_message ON feed_entry (message_id, agency_id)`);
    await q.query(`GRANT DELETE ON feed_entry TO liaison_app`);
    if (await hasLz4(q)) {
      for (const [table, column] of CONTENT_COLUMNS)
        await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const codec = codecFor('Delivery');
    for (const [table, column] of CONTENT_COLUMNS.slice(1))
      await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION pglz`);
    await q.query(`REVOKE DELETE ON feed_entry FROM liaison_app`);
    await q.query(`DROP INDEX feed_entry_message`);
    await q.query(`ALTER TABLE feed_entry ADD COLUMN delivery jsonb`);
    await convertRows<Buffer, string>(q, 'record', { column: 'delivery', type: 'jsonb' }, (b) =>
      JSON.stringify(codec.decode(b)),
    );
    await q.query(`ALTER TABLE feed_entry ALTER COLUMN delivery SET NOT NULL`);
    await q.query(`ALTER TABLE feed_entry DROP COLUMN record`);
  }
}

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
import { Type, types } from 'avsc';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The Delivery record as it was when this migration was written, frozen here:
 * a migration never imports live code, whose later versions it must not follow.
 * Its schema (org.liaison.v1.Delivery, version 1), the schema's CRC-64-AVRO
 * fingerprint, and the single-object framing (C3 01, fingerprint little-endian,
 * Avro body) with timestamps as ISO-8601 strings in the JSON form.
 */
const DELIVERY_V1_SCHEMA =
  '{"type":"record","name":"Delivery","namespace":"org.liaison.v1","doc":"What one recipient agency receives, on hub.feed.<agency>.v1.","fields":[{"name":"messageId","type":{"type":"string","logicalType":"uuid"},"doc":"Id of the message delivered."},{"name":"kind","type":{"type":"enum","name":"MessageKind","doc":"Which family of message a record carries: an alert or a case notice.","symbols":["ALERT","CASE_NOTICE"],"namespace":"org.liaison.v1"},"doc":"ALERT or CASE_NOTICE."},{"name":"messageType","type":"string","doc":"Alert type or case-notice type."},{"name":"originatorAgency","type":"string","doc":"Agency id of the publisher.","liaison.format":"agency-id"},{"name":"recipientAgency","type":"string","doc":"Agency id of the recipient.","liaison.format":"agency-id"},{"name":"caseRef","type":["null","string"],"default":null,"doc":"Case reference from the message header."},{"name":"presentation","type":"string","doc":"The SD-JWT presentation (issuer JWT with the disclosures released) or, when encrypted, a compact JWE of it."},{"name":"encrypted","type":"boolean","doc":"True when presentation is a compact JWE (ECDH-ES) to the recipient\'s key."},{"name":"disclosedPaths","type":{"type":"array","items":"string"},"default":[],"doc":"Disclosure paths released."},{"name":"withheld","type":{"type":"array","items":{"type":"record","name":"WithheldField","namespace":"org.liaison.v1","doc":"One field left out of a recipient\'s presentation and the rule that withheld it. The recipient learns that the field existed, never what it held.","fields":[{"name":"path","type":"string","doc":"Disclosure path of the withheld field, e.g. `subjects[0].identity` (see docs/schemas.md, path convention)."},{"name":"ruleId","type":"string","doc":"Identifier of the policy rule that withheld the field."}]}},"default":[],"doc":"Fields withheld, each with the rule that withheld it."},{"name":"policyVersion","type":"string","doc":"Content hash of the policy set applied."},{"name":"receipt","type":"string","doc":"Hub-signed delivery receipt, compact JWS."},{"name":"receiptProof","type":{"type":"record","name":"ReceiptProof","namespace":"org.liaison.v1","doc":"Inclusion proof of a delivery receipt in a batch of receipts signed once as a Merkle root (RFC 6962 style audit path).","fields":[{"name":"leafIndex","type":"long","doc":"Zero-based index of this receipt among the leaves of the signed batch."},{"name":"treeSize","type":"long","doc":"Number of leaves in the signed batch."},{"name":"path","type":{"type":"array","items":"string"},"default":[],"doc":"Audit path from the leaf to the root: sibling hashes as lowercase hex, leaf level first."}]},"doc":"Proof that the receipt is in the signed receipt batch."},{"name":"deliveredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the hub produced the delivery."},{"name":"custodial","type":"boolean","doc":"True when the originator\'s signature was made with a custodial key held by the hub."}]}';
const DELIVERY_V1_FINGERPRINT = 0xd780b772b131ac78n;

class IsoTimestamp extends types.LogicalType {
  protected override _fromValue(millis: unknown): string {
    return new Date(millis as number).toISOString();
  }
  protected override _toValue(iso: unknown): number | undefined {
    const millis = typeof iso === 'string' ? Date.parse(iso) : NaN;
    return Number.isFinite(millis) ? millis : undefined;
  }
}

/** Delivery v1 in single-object encoding, to and from its JSON form. */
export const DELIVERY_V1 = (() => {
  let type: Type | undefined;
  const avro = (): Type =>
    (type ??= Type.forSchema(
      JSON.parse(DELIVERY_V1_SCHEMA) as Parameters<typeof Type.forSchema>[0],
      {
        logicalTypes: { 'timestamp-millis': IsoTimestamp },
        wrapUnions: 'auto',
      },
    ));
  const header = Buffer.from([0xc3, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
  header.writeBigUInt64LE(DELIVERY_V1_FINGERPRINT, 2);
  return {
    encode: (value: unknown): Buffer => Buffer.concat([header, avro().toBuffer(value)]),
    decode: (bytes: Buffer): unknown => {
      if (!bytes.subarray(0, 10).equals(header)) throw new Error('not a Delivery v1 record');
      return avro().fromBuffer(bytes.subarray(10));
    },
  };
})();

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
    await q.query(`ALTER TABLE feed_entry ADD COLUMN record bytea`);
    // Rows written before: the JSON form of a decoded Delivery, re-encoded as it arrived.
    await convertRows<unknown, Buffer>(q, 'delivery', { column: 'record', type: 'bytea' }, (d) =>
      DELIVERY_V1.encode(d),
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
    for (const [table, column] of CONTENT_COLUMNS.slice(1))
      await q.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION pglz`);
    await q.query(`REVOKE DELETE ON feed_entry FROM liaison_app`);
    await q.query(`DROP INDEX feed_entry_message`);
    await q.query(`ALTER TABLE feed_entry ADD COLUMN delivery jsonb`);
    await convertRows<Buffer, string>(q, 'record', { column: 'delivery', type: 'jsonb' }, (b) =>
      JSON.stringify(DELIVERY_V1.decode(b)),
    );
    await q.query(`ALTER TABLE feed_entry ALTER COLUMN delivery SET NOT NULL`);
    await q.query(`ALTER TABLE feed_entry DROP COLUMN record`);
  }
}

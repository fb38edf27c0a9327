/**
 * The content-storage migration against the real PostgreSQL: feed entries
 * written as JSON before it are re-encoded as the Avro record, lz4 is set where
 * the server has it, and undoing it brings the JSON back.
 */
import { randomUUID } from 'node:crypto';
import { codecFor, type Delivery } from '@liaison/contracts';
import { migrationDatabase, migrationIndex } from '../support/migration-database';

const CONTENT_STORAGE = migrationIndex('ContentStorage1732340200000');

jest.setTimeout(60_000);

const delivery = (recipientAgency: string, i: number): Delivery => ({
  messageId: randomUUID(),
  kind: 'ALERT',
  messageType: 'VICTIM_AT_RISK',
  originatorAgency: 'nl-knp',
  recipientAgency,
  caseRef: i % 2 === 0 ? null : `NL-2026-${i}`,
  presentation: `eyJhbGciOiJFZERTQSJ9.e30.sig~WyJzYWx0IiwibmFycmF0aXZlIiwiJHtpfSJd~${i}`,
  encrypted: false,
  disclosedPaths: ['narrative'],
  withheld: [{ path: 'subjects[0].identity', ruleId: 'victim-guard' }],
  policyVersion: 'p1',
  receipt: 'a.b.c',
  receiptProof: { leafIndex: i, treeSize: 700, path: ['ab'.repeat(32)] },
  deliveredAt: new Date().toISOString(),
  custodial: false,
});

describe('content-storage migration', () => {
  const db = migrationDatabase();
  const migrated = db.migrated;

  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('re-encodes JSON feed entries as Avro records, and back when undone', async () => {
    const before = migrated(CONTENT_STORAGE);
    await before.initialize();
    // 1,100 rows: more than two conversion batches.
    const written = Array.from({ length: 1100 }, (_, i) => delivery('de-bka', i));
    try {
      await before.runMigrations({ transaction: 'each' });
      await before.query(
        `INSERT INTO agency (id, name, jurisdiction, kind) VALUES ('de-bka', 'BKA', 'DE', 'LAW_ENFORCEMENT')`,
      );
      await before.query(
        `INSERT INTO feed_entry (agency_id, message_id, kafka_offset, delivery)
         SELECT 'de-bka', * FROM unnest($1::uuid[], $2::bigint[], $3::jsonb[])`,
        [
          written.map((d) => d.messageId),
          written.map((_, i) => i),
          written.map((d) => JSON.stringify(d)),
        ],
      );
    } finally {
      await before.destroy();
    }

    const after = migrated(CONTENT_STORAGE + 1);
    await after.initialize();
    try {
      expect((await after.runMigrations({ transaction: 'each' })).map((m) => m.name)).toEqual([
        'ContentStorage1732340200000',
      ]);
      const rows = await after.query<{ record: Buffer; message_id: string }[]>(
        'SELECT record, message_id FROM feed_entry ORDER BY id',
      );
      const codec = codecFor('Delivery');
      expect(rows.map((r) => codec.decode(r.record))).toEqual(written);
      const compression = await after.query<{ attname: string; attcompression: string }[]>(
        `SELECT attname, attcompression FROM pg_attribute
         WHERE attrelid = 'feed_entry'::regclass AND attname = 'record'`,
      );
      const lz4 = await after.query<unknown[]>(
        `SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`,
      );
      expect(compression[0]?.attcompression).toBe(lz4.length > 0 ? 'l' : '');

      await after.undoLastMigration({ transaction: 'each' });
      const restored = await after.query<{ delivery: Delivery }[]>(
        'SELECT delivery FROM feed_entry ORDER BY id',
      );
      expect(restored.map((r) => r.delivery)).toEqual(written);
    } finally {
      await after.destroy();
    }
  });
});

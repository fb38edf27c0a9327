/**
 * The audit app's link index and checkpoint repositories against the real
 * PostgreSQL, in a throwaway database: index rows written once and read by
 * pseudonym within their retention, purged after it; checkpoints stored once
 * per tree size, the latest read back.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  LedgerCheckpointRepository,
  createDataSource,
  insertLinkRows,
  purgeLinkRows,
  rowsSharing,
  type NewLinkRow,
} from '@liaison/persistence';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

describe('audit writer repositories', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_writerrepo');
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const row = (pseudonym: string, retainUntil: string): NewLinkRow => ({
    epoch: 1,
    kind: 'PHONE',
    pseudonym,
    messageId: randomUUID(),
    agency: 'nl-knp',
    caseHandle: 'h-1',
    tlp: 'AMBER',
    handlingCode: 'H1',
    releasableTo: ['de-bka'],
    namedRecipients: [],
    indexedAt: new Date().toISOString(),
    retainUntil,
  });

  it('indexes link rows once, reads them by pseudonym and purges them past retention', async () => {
    const later = new Date(Date.now() + 3600_000).toISOString();
    const kept = row('p-kept', later);
    const expired = row('p-expired', new Date(Date.now() - 1000).toISOString());
    await insertLinkRows(ds, [kept, expired]);
    await insertLinkRows(ds, [kept]);
    await insertLinkRows(ds, []);
    const found = await rowsSharing(ds, [
      { epoch: 1, kind: 'PHONE', pseudonym: 'p-kept' },
      { epoch: 1, kind: 'PHONE', pseudonym: 'p-expired' },
    ]);
    expect(found).toEqual([
      {
        epoch: 1,
        kind: 'PHONE',
        pseudonym: 'p-kept',
        messageId: kept.messageId,
        agency: 'nl-knp',
        caseHandle: 'h-1',
        tlp: 'AMBER',
        handlingCode: 'H1',
        releasableTo: ['de-bka'],
        namedRecipients: [],
      },
    ]);
    expect(await purgeLinkRows(ds)).toBe(1);
    expect(await purgeLinkRows(ds)).toBe(0);
    const left = await ds.query<{ pseudonym: string }[]>(`SELECT pseudonym FROM link_index`);
    expect(left).toEqual([{ pseudonym: 'p-kept' }]);
  });

  it('stores one checkpoint per tree size and reads the latest', async () => {
    const checkpoints = new LedgerCheckpointRepository(ds);
    expect(await checkpoints.latest()).toBeUndefined();
    const issuedAt = '2026-12-02T09:00:00.000Z';
    await checkpoints.insert({ treeSize: 5, rootHash: 'a'.repeat(64), jws: 'j5', issuedAt });
    await checkpoints.insert({
      treeSize: 9,
      rootHash: 'b'.repeat(64),
      jws: 'j9',
      issuedAt: '2026-12-02T09:01:00.000Z',
    });
    await checkpoints.insert({ treeSize: 5, rootHash: 'c'.repeat(64), jws: 'other', issuedAt });
    expect(await checkpoints.latest()).toEqual({
      treeSize: 9,
      issuedAt: new Date('2026-12-02T09:01:00.000Z'),
    });
    const [five] = await ds.query<{ jws: string }[]>(
      'SELECT jws FROM ledger_checkpoint WHERE tree_size = 5',
    );
    expect(five?.jws).toBe('j5');
  });
});

/**
 * The officer statement log's repository against the real PostgreSQL, in a
 * throwaway database: appends in chain order under the log's lock, the head,
 * a jti seen before, and the audit reads (one agency's or all, one subject,
 * newest first, limited; the whole chain in order).
 */
import type { DataSource } from 'typeorm';
import {
  OfficerStatementRepository,
  createDataSource,
  type NewStatement,
} from '@liaison/persistence';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

const statement = (seq: number, agencyId: string, subject: string): NewStatement => ({
  seq,
  agencyId,
  officerId: 'anna',
  kid: 'anna-1',
  act: 'audit.read',
  subject,
  jti: `jti-${seq}`,
  jws: `jws-${seq}`,
  prevHash: String(seq - 1).padStart(64, '0'),
  hash: String(seq).padStart(64, '0'),
});

describe('officer statement repository', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  let log: OfficerStatementRepository;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_statements');
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    log = new OfficerStatementRepository(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('has no head while empty, then the last appended statement', async () => {
    expect(await log.head()).toBeUndefined();
    await log.append(statement(1, 'nl-knp', 'audit:a'));
    await log.append(statement(2, 'de-bka', 'audit:b'));
    await log.append(statement(3, 'nl-knp', 'audit:b'));
    expect(await log.head()).toEqual({ seq: 3, hash: String(3).padStart(64, '0') });
    expect(await log.isRecorded('nl-knp', 'jti-1')).toBe(true);
    expect(await log.isRecorded('de-bka', 'jti-1')).toBe(false);
  });

  it("lists newest first, one agency's or every agency's, one subject, at most limit", async () => {
    const seqs = async (filter: Parameters<OfficerStatementRepository['list']>[0]) =>
      (await log.list(filter)).map((s) => s.seq);
    expect(await seqs({ limit: 10 })).toEqual([3, 2, 1]);
    expect(await seqs({ agencyId: 'nl-knp', limit: 10 })).toEqual([3, 1]);
    expect(await seqs({ subject: 'audit:b', limit: 10 })).toEqual([3, 2]);
    expect(await seqs({ agencyId: 'nl-knp', subject: 'audit:b', limit: 10 })).toEqual([3]);
    expect(await seqs({ limit: 2 })).toEqual([3, 2]);
    const [first] = await log.list({ agencyId: 'de-bka', limit: 1 });
    expect(first).toMatchObject({
      seq: 2,
      agencyId: 'de-bka',
      officerId: 'anna',
      kid: 'anna-1',
      act: 'audit.read',
      subject: 'audit:b',
      jti: 'jti-2',
      jws: 'jws-2',
      prevHash: String(1).padStart(64, '0'),
      hash: String(2).padStart(64, '0'),
    });
    expect(first?.recordedAt).toBeInstanceOf(Date);
  });

  it('reads the whole chain in order', async () => {
    expect((await log.all()).map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('serialises appends: a second appender waits for the first to commit', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signal: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (signal = resolve));
    const first = ds.transaction(async (tx) => {
      const repo = new OfficerStatementRepository(tx);
      await repo.lockForAppend();
      signal();
      await held;
      await repo.append(statement(4, 'nl-knp', 'audit:c'));
    });
    await locked;
    const second = ds.transaction(async (tx) => {
      const repo = new OfficerStatementRepository(tx);
      await repo.lockForAppend();
      order.push(`second sees head ${(await repo.head())?.seq}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    order.push('released');
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['released', 'second sees head 4']);
  });
});

/**
 * The ledger's lookups by pair (message, recipient) and by message against the
 * real PostgreSQL, in a throwaway database: each reads the rows it asks for
 * through an index, never the whole ledger (the transaction's own statistics
 * count the rows read; with sequential scans disabled, a lookup no index fits
 * reads the whole primary key instead), and a pair still holds at most one
 * decision and one release.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import {
  ShareLedgerWrites,
  createDataSource,
  recipientOutcomes,
  type SqlRunner,
} from '@liaison/persistence';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

const ROWS = 4000;
const RECIPIENTS = 5;
/** The message id of ledger row `n` (one message per RECIPIENTS rows). */
const messageOf = (n: number) =>
  `00000000-0000-4000-8000-${String(Math.floor(n / RECIPIENTS)).padStart(12, '0')}`;

const insertRow = (seq: number, messageId: string, recipient: string, releaseOf: string | null) =>
  `INSERT INTO share_ledger (seq, leaf_hash, message_id, kind, message_type, originator_agency,
     originator_jurisdiction, recipient_agency, recipient_jurisdiction, decision, rules,
     disclosed_paths, withheld, policy_version, custodial, decided_at, release_of)
   VALUES (${seq}, 'h', '${messageId}', 'alert', 'VICTIM_AT_RISK', 'nl-police', 'NL',
     '${recipient}', 'RO', 'FULL', '[]', '[]', '[]', 'v1', false, now(),
     ${releaseOf === null ? 'NULL' : `'${releaseOf}'`})`;

describe('share ledger pair lookups', () => {
  let db: ThrowawayDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createThrowawayDatabase(testConfig().database.url, 'liaison_pairs');
    ds = createDataSource({ url: db.url, poolSize: 2, asOwner: true });
    await ds.initialize();
    await ds.query(
      `INSERT INTO share_ledger (seq, leaf_hash, message_id, kind, message_type, originator_agency,
         originator_jurisdiction, recipient_agency, recipient_jurisdiction, decision, rules,
         disclosed_paths, withheld, policy_version, custodial, decided_at)
       SELECT n, 'h', ('00000000-0000-4000-8000-' || lpad((n / ${RECIPIENTS})::text, 12, '0'))::uuid,
              'alert', 'VICTIM_AT_RISK', 'nl-police', 'NL', 'r-' || (n % ${RECIPIENTS}), 'RO',
              CASE WHEN n % ${RECIPIENTS} = 0 THEN 'DENIED' ELSE 'FULL' END,
              '[]', '[]', '[]', 'v1', false, now()
         FROM generate_series(0, ${ROWS - 1}) AS n`,
    );
    // A denied pair later released under onward consent.
    await ds.query(insertRow(ROWS, messageOf(10), 'r-0', '11111111-1111-4111-8111-111111111111'));
    await ds.query('ANALYZE share_ledger');
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Runs `lookup` with sequential scans disabled; returns its result and the ledger rows it read. */
  async function withoutSeqScan<T>(
    lookup: (runner: SqlRunner) => Promise<T>,
  ): Promise<{ result: T; rowsRead: number }> {
    const runner: QueryRunner = ds.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query('SET LOCAL enable_seqscan = off');
      const result = await lookup(runner);
      const [stats] = (await runner.query(
        `SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS n
           FROM pg_stat_xact_user_tables WHERE relname = 'share_ledger'`,
      )) as { n: string }[];
      return { result, rowsRead: Number(stats?.n) };
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  it("finds the writer's stored pairs, decisions and releases, by index", async () => {
    const { result, rowsRead } = await withoutSeqScan((runner) =>
      new ShareLedgerWrites(runner).existingPairs([
        { messageId: messageOf(10), recipientAgency: 'r-0' },
        { messageId: messageOf(21), recipientAgency: 'r-1' },
        { messageId: '99999999-9999-4999-8999-999999999999', recipientAgency: 'r-1' },
      ]),
    );
    expect(rowsRead).toBeLessThan(20);
    expect(
      result.map((r) => `${r.messageId} ${r.recipientAgency} ${String(r.release)}`).sort(),
    ).toEqual(
      [
        `${messageOf(10)} r-0 false`,
        `${messageOf(10)} r-0 true`,
        `${messageOf(21)} r-1 false`,
      ].sort(),
    );
  });

  it("reads a message's outcome per recipient by index, the release over the denial", async () => {
    const { result, rowsRead } = await withoutSeqScan((runner) =>
      recipientOutcomes(runner, messageOf(10)),
    );
    expect(rowsRead).toBeLessThan(20);
    expect(result.map((r) => `${r.recipient_agency} ${r.decision}`)).toEqual([
      'r-0 FULL',
      'r-1 FULL',
      'r-2 FULL',
      'r-3 FULL',
      'r-4 FULL',
    ]);
  });

  it('refuses a second decision or a second release of one pair', async () => {
    await expect(ds.query(insertRow(ROWS + 1, messageOf(22), 'r-2', null))).rejects.toThrow(
      /share_ledger_pair/,
    );
    await expect(
      ds.query(insertRow(ROWS + 1, messageOf(10), 'r-0', '22222222-2222-4222-8222-222222222222')),
    ).rejects.toThrow(/share_ledger_pair/);
    await ds.query(
      insertRow(ROWS + 1, messageOf(22), 'r-2', '33333333-3333-4333-8333-333333333333'),
    );
    const [count] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM share_ledger WHERE message_id = $1 AND recipient_agency = 'r-2'`,
      [messageOf(22)],
    );
    expect(Number(count?.n)).toBe(2);
  });
});

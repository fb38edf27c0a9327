/**
 * Tamper evidence: as the database superuser (triggers disabled), UPDATE,
 * DELETE, reorder and TRUNCATE ledger rows; a verifier holding the earlier
 * signed checkpoints reports each case and names the seq. Runs in a throwaway
 * database; every tamper happens inside a transaction that is rolled back, so
 * each case starts from the same honest ledger.
 */
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createJwsSigner, generateAgencyKeys, inclusionProof } from '@liaison/crypto';
import {
  SHARE_LEDGER_COLUMNS,
  checkRowInclusion,
  ledgerLeafHash,
  ledgerRowFromColumns,
  trustCheckpoint,
  verifyLedger,
  type LedgerVerificationReport,
  type LedgerRowColumns,
  type TrustedCheckpoint,
} from '@liaison/ledger';
import { createDataSource } from '@liaison/persistence';
import { CheckpointPublisher } from '../../apps/audit/src/checkpoint-publisher';
import { LedgerWriter } from '../../apps/audit/src/ledger-writer';
import { makeDecision } from '../../apps/audit/src/testing/decision-fixtures';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

const ORIGIN = { agency: 'ro-diicot', jurisdiction: 'RO' };
const OUTCOMES = [
  { agency: 'nl-knp', jurisdiction: 'NL', decision: 'REDACTED' as const },
  { agency: 'de-bka', jurisdiction: 'DE', decision: 'FULL' as const },
  { agency: 'th-dsi', jurisdiction: 'TH', decision: 'DENIED' as const },
];

describe('ledger tampering is reported against earlier checkpoints', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  let superuser: Client;
  const checkpoints: TrustedCheckpoint[] = [];

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_tamper');
    ds = createDataSource({ url: db.url, poolSize: 3 });
    await ds.initialize();
    const writer = await LedgerWriter.open(ds);
    const hub = generateAgencyKeys('EdDSA');
    const publisher = new CheckpointPublisher(
      ds,
      writer,
      createJwsSigner({ privateJwk: hub.privateJwk, kid: hub.kid, alg: 'EdDSA' }),
      null,
    );
    for (const round of [0, 1]) {
      for (let i = 0; i < 2; i++) {
        await writer.ingest([
          await makeDecision({
            originator: ORIGIN,
            outcomes: OUTCOMES,
            caseRef: `CASE-${round}-${i}`,
          }),
        ]);
      }
      const checkpoint = await publisher.tick();
      // The verifier keeps the signed checkpoint and trusts only what the hub key signed.
      checkpoints.push(trustCheckpoint(checkpoint?.jws ?? '', hub.publicJwk));
    }
    await writer.close();
    expect(checkpoints.map((c) => c.treeSize)).toEqual([6, 12]);
    superuser = new Client({ connectionString: db.url });
    await superuser.connect();
  });

  afterAll(async () => {
    await superuser?.end();
    await ds?.destroy();
    await db?.drop();
  });

  async function rows(): Promise<LedgerRowColumns[]> {
    const result = await superuser.query<LedgerRowColumns>(
      `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger ORDER BY seq`,
    );
    return result.rows;
  }

  /** Applies `tamper` as superuser with the append-only triggers off, verifies, rolls back. */
  async function verifyAfter(
    tamper: string[],
  ): Promise<{ report: LedgerVerificationReport; stored: LedgerRowColumns[] }> {
    await superuser.query('BEGIN');
    try {
      await superuser.query('ALTER TABLE share_ledger DISABLE TRIGGER USER');
      for (const statement of tamper) await superuser.query(statement);
      const stored = await rows();
      return { report: verifyLedger(stored.map(ledgerRowFromColumns), checkpoints), stored };
    } finally {
      await superuser.query('ROLLBACK');
    }
  }

  it('the honest ledger verifies, and the trigger refuses changes even to the superuser', async () => {
    const { report } = await verifyAfter([]);
    expect(report.ok).toBe(true);
    expect(report.checkpoints.every((c) => c.matches)).toBe(true);
    await expect(superuser.query('DELETE FROM share_ledger WHERE seq = 1')).rejects.toThrow(
      /append-only/,
    );
    await expect(
      ds.query("UPDATE share_ledger SET decision = 'FULL' WHERE seq = 1"),
    ).rejects.toThrow();
  });

  it('UPDATE of a row: leaf mismatch and failed inclusion naming the seq, consistency failure', async () => {
    const { report, stored } = await verifyAfter([
      `UPDATE share_ledger SET decision = 'FULL', withheld = '[]' WHERE seq = 4`,
    ]);
    expect(report.ok).toBe(false);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'leaf-mismatch', seq: 4 }),
    );
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'consistency', treeSize: 6, afterSeq: 0 }),
    );
    // The server's proof is built from the stored leaf hashes; the row as it now reads is not in it.
    const leaves = stored.slice(0, 6).map((r) => Buffer.from(r.leaf_hash, 'hex'));
    const proof = inclusionProof(leaves, 3).map((h) => h.toString('hex'));
    const row = stored[3] as LedgerRowColumns;
    expect(
      checkRowInclusion(
        ledgerRowFromColumns(row),
        { seq: 4, treeSize: 6, proof },
        checkpoints[0] as TrustedCheckpoint,
      ),
    ).toEqual(expect.objectContaining({ kind: 'inclusion', seq: 4 }));
    expect(report.summary.join('\n')).toMatch(/seq 4/);
  });

  it('UPDATE that also rewrites leaf_hash: the checkpoint no longer matches, range named', async () => {
    const honest = (await rows())[8] as LedgerRowColumns;
    const forged = ledgerRowFromColumns({ ...honest, decision: 'FULL', withheld: [] });
    const { report } = await verifyAfter([
      `UPDATE share_ledger SET decision = 'FULL', withheld = '[]', leaf_hash = '${ledgerLeafHash(forged)}' WHERE seq = 9`,
    ]);
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'consistency', treeSize: 12, afterSeq: 6 }),
    ]);
    expect(report.summary[0]).toMatch(/between seq 7 and 12/);
  });

  it('DELETE of a row: the missing seq is named', async () => {
    const { report } = await verifyAfter(['DELETE FROM share_ledger WHERE seq = 8']);
    expect(report.findings).toEqual([
      { kind: 'seq-gap', seq: 8, expected: 8 },
      { kind: 'truncated', treeSize: 12, rows: 11 },
    ]);
    expect(report.checkpoints.map((c) => c.matches)).toEqual([true, false]);
  });

  it('DELETE at the tail: the checkpoint covers rows that are gone', async () => {
    const { report } = await verifyAfter(['DELETE FROM share_ledger WHERE seq >= 11']);
    expect(report.findings).toContainEqual({ kind: 'truncated', treeSize: 12, rows: 10 });
  });

  it('reorder (two rows swap seq): both seqs named, earliest checkpoint fails', async () => {
    const { report } = await verifyAfter([
      'UPDATE share_ledger SET seq = -2 WHERE seq = 2',
      'UPDATE share_ledger SET seq = 2 WHERE seq = 3',
      'UPDATE share_ledger SET seq = 3 WHERE seq = -2',
    ]);
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'leaf-mismatch', seq: 2 }),
        expect.objectContaining({ kind: 'leaf-mismatch', seq: 3 }),
        expect.objectContaining({ kind: 'consistency', treeSize: 6, afterSeq: 0 }),
      ]),
    );
  });

  it('TRUNCATE: every checkpoint reports the missing rows', async () => {
    const { report } = await verifyAfter(['TRUNCATE share_ledger']);
    expect(report.rows).toBe(0);
    expect(report.findings).toEqual([
      { kind: 'truncated', treeSize: 6, rows: 0 },
      { kind: 'truncated', treeSize: 12, rows: 0 },
    ]);
  });

  it('after every rollback the ledger is intact again', async () => {
    const { report } = await verifyAfter([]);
    expect(report.ok).toBe(true);
  });
});

/**
 * Ledger ingest: rows/s through the writer's path (leaf canonical form +
 * SHA-256 leaf hash + incremental Merkle accumulator + COPY FROM STDIN per
 * batch, in a transaction) against a raw COPY FROM STDIN of the SAME rows,
 * already hashed, into an identical table (same columns, indexes and unique
 * keys, no trigger), in the same run and database.
 *
 * Also reported: the full writer (LedgerWriter.ingest: + content, presentations
 * and law-enforcement log rows per decision), for context.
 */
import type { Decision } from '@liaison/contracts';
import { MerkleAccumulator } from '@liaison/ledger';
import { createDataSource } from '@liaison/persistence';
import {
  appendLedgerRow,
  decidedAtOf,
  ledgerRowFields,
  type NewLedgerRow,
} from '../../apps/audit/src/decision-records';
import { Pool } from 'pg';
import { copyLedgerRows } from '../../apps/audit/src/ledger-copy';
import { LedgerWriter } from '../../apps/audit/src/ledger-writer';
import { makeDecision, type OutcomeSpec } from '../../apps/audit/src/testing/decision-fixtures';

export interface LedgerIngestResult {
  readonly rows: number;
  readonly batchRows: number;
  readonly merkleRowsPerSec: number;
  readonly copyRowsPerSec: number;
  /** merkle ÷ raw: 1 means hashing costs nothing; the target is ≥ 0.5. */
  readonly ratio: number;
  readonly fullWriterRowsPerSec: number;
  readonly baseline: string;
}

const RECIPIENTS = 20;
const DECISIONS_PER_BATCH = 50;
const WARM_UP_BATCHES = 3;

/** The writer's rows of a batch, hashed as they are pulled (and kept in `into`). */
function* hashedRows(
  tree: MerkleAccumulator,
  batch: readonly Decision[],
  into: NewLedgerRow[],
): Generator<NewLedgerRow> {
  for (const decision of batch) {
    const decidedAt = decidedAtOf(decision);
    for (const outcome of decision.outcomes) {
      const row = appendLedgerRow(tree, ledgerRowFields(decision, outcome, decidedAt));
      into.push(row);
      yield row;
    }
  }
}

function outcomes(): OutcomeSpec[] {
  return Array.from({ length: RECIPIENTS }, (_, i) => ({
    agency: `agency-${i}`,
    jurisdiction: i % 2 === 0 ? 'NL' : 'DE',
    decision: i % 5 === 0 ? 'DENIED' : i % 2 === 0 ? 'REDACTED' : 'FULL',
  }));
}

export async function runLedgerIngestBenchmark(
  databaseUrl: string,
  rows: number,
): Promise<LedgerIngestResult> {
  const decisionCount = Math.max(1, Math.ceil(rows / RECIPIENTS));
  const template = await makeDecision({
    originator: { agency: 'ro-diicot', jurisdiction: 'RO' },
    outcomes: outcomes(),
  });
  // Same token, fresh message ids: the cost measured is the ledger's, not SD-JWT issuance.
  const decisions: Decision[] = Array.from({ length: decisionCount }, (_, i) => ({
    ...template,
    messageId: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
  }));
  const batches: Decision[][] = [];
  for (let i = 0; i < decisions.length; i += DECISIONS_PER_BATCH) {
    batches.push(decisions.slice(i, i + DECISIONS_PER_BATCH));
  }
  const ds = createDataSource({ url: databaseUrl, asOwner: true, poolSize: 2 });
  await ds.initialize();
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  /** One transaction with one COPY, as the writer does it. */
  const copyInTransaction = async (rows: Iterable<NewLedgerRow>, table: string) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await copyLedgerRows(client, rows, table);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  try {
    await ds.query('CREATE TABLE bench_raw_ledger (LIKE share_ledger INCLUDING ALL)');
    await ds.query('CREATE TABLE bench_merkle_ledger (LIKE share_ledger INCLUDING ALL)');

    // Warm both paths (JIT, statements, caches) on a scratch table over a few
    // batches of their own, so neither measured pass pays first-run costs.
    await ds.query('CREATE TABLE bench_warmup (LIKE share_ledger INCLUDING ALL)');
    const warm = MerkleAccumulator.empty();
    for (const batch of batches.slice(0, WARM_UP_BATCHES)) {
      const warmRows: NewLedgerRow[] = [];
      await copyInTransaction(hashedRows(warm, batch, warmRows), 'bench_warmup');
      await ds.query('TRUNCATE bench_warmup');
      await copyInTransaction(warmRows, 'bench_warmup');
      await ds.query('TRUNCATE bench_warmup');
    }
    await ds.query('DROP TABLE bench_warmup');

    // Writer path (the writer's own appendLedgerRow): seq, canonical leaf, hash,
    // accumulator, COPY, per transaction; as in the writer, rows are hashed as
    // the COPY stream pulls them.
    const accumulator = MerkleAccumulator.empty();
    const prepared: NewLedgerRow[][] = [];
    let started = process.hrtime.bigint();
    for (const batch of batches) {
      const newRows: NewLedgerRow[] = [];
      await copyInTransaction(hashedRows(accumulator, batch, newRows), 'bench_merkle_ledger');
      accumulator.rootHex();
      prepared.push(newRows);
    }
    const merkleSec = Number(process.hrtime.bigint() - started) / 1e9;

    // Raw baseline: the same rows, already hashed, one COPY per batch (streamed
    // in the same chunks).
    started = process.hrtime.bigint();
    for (const batch of prepared) await copyInTransaction(batch, 'bench_raw_ledger');
    const rawSec = Number(process.hrtime.bigint() - started) / 1e9;

    // Full writer, for context: ledger rows + content + presentations + log, advisory lock held.
    const app = createDataSource({ url: databaseUrl, poolSize: 2 });
    await app.initialize();
    let fullSec = 0;
    try {
      const writer = await LedgerWriter.open(app);
      started = process.hrtime.bigint();
      for (const batch of batches) await writer.ingest(batch);
      fullSec = Number(process.hrtime.bigint() - started) / 1e9;
      await writer.close();
    } finally {
      await app.destroy();
    }
    const total = decisionCount * RECIPIENTS;
    const merkleRowsPerSec = total / merkleSec;
    const copyRowsPerSec = total / rawSec;
    return {
      rows: total,
      batchRows: DECISIONS_PER_BATCH * RECIPIENTS,
      merkleRowsPerSec: Math.round(merkleRowsPerSec),
      copyRowsPerSec: Math.round(copyRowsPerSec),
      ratio: Math.round((merkleRowsPerSec / copyRowsPerSec) * 1000) / 1000,
      fullWriterRowsPerSec: Math.round(total / fullSec),
      baseline: 'COPY FROM STDIN of the same rows, already hashed, one COPY per batch',
    };
  } finally {
    await pool.end();
    await ds.destroy();
  }
}

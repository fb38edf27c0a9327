/**
 * The share ledger as stored, checked in full: every leaf recomputed from its
 * row (LedgerAuditor), every signed checkpoint's signature checked with the
 * hub's key and its root against the recomputed tree. The gateway answers it
 * on GET /v1/audit/verify; the audit app runs it on a timer for its metrics.
 */
import type { DataSource } from 'typeorm';
import type { PublicJwk } from '@liaison/crypto';
import {
  LedgerAuditor,
  SHARE_LEDGER_COLUMNS,
  ledgerRowFromColumns,
  trustCheckpoint,
  type LedgerFinding,
  type LedgerRowColumns,
  type TrustedCheckpoint,
} from '@liaison/ledger';

export interface StoredLedgerReport {
  readonly ok: boolean;
  readonly status: 'verified' | 'broken';
  readonly rows: number;
  readonly rootHash: string;
  readonly latestCheckpoint: TrustedCheckpoint | null;
  readonly checkpointsChecked: number;
  readonly badCheckpointSignatures: number[];
  readonly uncheckpointedRows: number;
  /** At most 100. */
  readonly findings: LedgerFinding[];
  /** The findings in words, at most 100, then the bad signatures. */
  readonly summary: string[];
}

export async function verifyStoredLedger(
  ds: DataSource,
  hubKey: PublicJwk,
  pageSize = 20_000,
): Promise<StoredLedgerReport> {
  const stored = await ds.query<{ tree_size: string; root_hash: string; jws: string }[]>(
    'SELECT tree_size, root_hash, jws FROM ledger_checkpoint ORDER BY tree_size',
  );
  const trusted: TrustedCheckpoint[] = [];
  const badSignatures: number[] = [];
  for (const c of stored) {
    try {
      const signed = trustCheckpoint(c.jws, hubKey);
      if (signed.treeSize !== Number(c.tree_size) || signed.rootHash !== c.root_hash)
        throw new Error();
      trusted.push(signed);
    } catch {
      badSignatures.push(Number(c.tree_size));
    }
  }
  const auditor = new LedgerAuditor(trusted);
  let after = 0;
  for (;;) {
    const page = await ds.query<LedgerRowColumns[]>(
      `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, pageSize],
    );
    for (const row of page) auditor.add(ledgerRowFromColumns(row));
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) break;
    after = Number(last.seq);
  }
  const report = auditor.finish();
  const latest = trusted[trusted.length - 1];
  const ok = report.ok && badSignatures.length === 0;
  return {
    ok,
    status: ok ? 'verified' : 'broken',
    rows: report.rows,
    rootHash: report.rootHash,
    latestCheckpoint: latest ?? null,
    checkpointsChecked: trusted.length,
    badCheckpointSignatures: badSignatures,
    uncheckpointedRows: report.rows - (latest?.treeSize ?? 0),
    findings: report.findings.slice(0, 100),
    summary: [
      ...report.summary.slice(0, 100),
      ...badSignatures.map((s) => `checkpoint ${s}: signature does not verify with the hub key`),
    ],
  };
}

/**
 * The officer statement log: signed statements (policy drafts, approvals,
 * rejections, audit reads) in one append-only hash chain. Each row holds the
 * officer's compact JWS and
 *
 *   hash = lowercase hex SHA-256( prev_hash (32 bytes) || RFC 6962 leaf hash of
 *          canonicalJson({ v: 1, seq, jws }) )
 *
 * with prev_hash of seq 1 = 64 zeros. The JWS makes each statement the
 * officer's (nobody else holds the key), the chain makes a removed, reordered
 * or altered row visible, and the chain hash handed to the officer when the
 * statement is recorded is their receipt: a later log that no longer leads to
 * it was cut. Pure: rows and the officer directory in, a report out.
 */
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  hashLeafText,
  verifyOfficerStatement,
  type OfficerDirectory,
} from '@liaison/crypto';

export const STATEMENT_LOG_VERSION = 1;
export const STATEMENT_GENESIS_HASH = '0'.repeat(64);
const HEX32 = /^[0-9a-f]{64}$/;

/** A row as stored (the columns repeat what the JWS says, for queries; they are checked). */
export interface StatementLogRow {
  readonly seq: number;
  readonly agencyId: string;
  readonly officerId: string;
  readonly kid: string;
  readonly act: string;
  readonly subject: string;
  readonly jti: string;
  readonly jws: string;
  readonly prevHash: string;
  readonly hash: string;
  readonly recordedAt: Date | string;
}

export function statementChainHash(prevHash: string, seq: number, jws: string): string {
  if (!HEX32.test(prevHash)) throw new RangeError('prevHash must be 64 lowercase hex digits');
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError('seq must be a positive integer');
  const leaf = hashLeafText(canonicalJson({ v: STATEMENT_LOG_VERSION, seq, jws }));
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(prevHash, 'hex'), leaf]))
    .digest('hex');
}

export type StatementFinding =
  | { readonly kind: 'seq-gap'; readonly seq: number; readonly expected: number }
  | { readonly kind: 'chain-break'; readonly seq: number }
  | { readonly kind: 'hash-mismatch'; readonly seq: number }
  | { readonly kind: 'bad-signature'; readonly seq: number; readonly reason: string }
  | { readonly kind: 'columns-differ'; readonly seq: number; readonly column: string }
  | { readonly kind: 'after-revocation'; readonly seq: number }
  | { readonly kind: 'receipt-missing'; readonly seq: number; readonly hash: string };

export interface StatementLogReport {
  readonly ok: boolean;
  readonly rows: number;
  /** Hash of the last row (the genesis hash for an empty log). */
  readonly head: string;
  readonly findings: readonly StatementFinding[];
  readonly summary: readonly string[];
}

/** A receipt an officer kept: the log must still have this hash at this seq. */
export interface StatementReceipt {
  readonly seq: number;
  readonly hash: string;
}

const seconds = (value: Date | string): number =>
  Math.floor((value instanceof Date ? value : new Date(value)).getTime() / 1000);

/** Verifies rows given in seq order against the officer directory (and receipts, if any). */
export function verifyStatementLog(
  rows: Iterable<StatementLogRow>,
  officers: OfficerDirectory,
  receipts: readonly StatementReceipt[] = [],
): StatementLogReport {
  const findings: StatementFinding[] = [];
  const hashes = new Map<number, string>();
  let previous = STATEMENT_GENESIS_HASH;
  let expected = 1;
  let count = 0;
  for (const row of rows) {
    count += 1;
    if (row.seq !== expected) findings.push({ kind: 'seq-gap', seq: row.seq, expected });
    expected = row.seq + 1;
    if (row.prevHash !== previous) findings.push({ kind: 'chain-break', seq: row.seq });
    let recomputed = '';
    try {
      recomputed = statementChainHash(row.prevHash, row.seq, row.jws);
    } catch {
      recomputed = '';
    }
    if (recomputed !== row.hash) findings.push({ kind: 'hash-mismatch', seq: row.seq });
    previous = row.hash;
    hashes.set(row.seq, row.hash);
    try {
      const verified = verifyOfficerStatement(row.jws, { officers, mode: 'history' });
      const s = verified.statement;
      const columns: [string, string, string][] = [
        ['agency_id', row.agencyId, s.iss],
        ['officer_id', row.officerId, s.sub],
        ['kid', row.kid, verified.kid],
        ['act', row.act, s.act],
        ['subject', row.subject, s.subject],
        ['jti', row.jti, s.jti],
      ];
      for (const [column, stored, signed] of columns) {
        if (stored !== signed) findings.push({ kind: 'columns-differ', seq: row.seq, column });
      }
      const revokedAt = verified.enrolment.revokedAt;
      if (revokedAt !== undefined && seconds(row.recordedAt) > revokedAt) {
        findings.push({ kind: 'after-revocation', seq: row.seq });
      }
    } catch (error) {
      findings.push({
        kind: 'bad-signature',
        seq: row.seq,
        reason: (error as { code?: string }).code ?? (error as Error).message,
      });
    }
  }
  for (const receipt of receipts) {
    if (hashes.get(receipt.seq) !== receipt.hash) {
      findings.push({ kind: 'receipt-missing', seq: receipt.seq, hash: receipt.hash });
    }
  }
  return {
    ok: findings.length === 0,
    rows: count,
    head: previous,
    findings,
    summary: findings.map(describeStatementFinding),
  };
}

export function describeStatementFinding(finding: StatementFinding): string {
  switch (finding.kind) {
    case 'seq-gap':
      return `statement ${finding.expected}: missing (rows deleted)`;
    case 'chain-break':
      return `statement ${finding.seq}: does not follow the row before it (removed or reordered)`;
    case 'hash-mismatch':
      return `statement ${finding.seq}: no longer hashes to its recorded chain hash (altered)`;
    case 'bad-signature':
      return `statement ${finding.seq}: signature or form refused (${finding.reason})`;
    case 'columns-differ':
      return `statement ${finding.seq}: column ${finding.column} differs from the signed statement`;
    case 'after-revocation':
      return `statement ${finding.seq}: recorded after its officer key was revoked`;
    case 'receipt-missing':
      return `statement ${finding.seq}: the log no longer holds the receipt ${finding.hash} (cut or rewritten)`;
  }
}

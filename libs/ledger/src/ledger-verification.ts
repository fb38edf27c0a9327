/**
 * Verifying the ledger against checkpoints somebody holds: the offline CLI
 * verifier and the server's status badge both run this. Rows stream in seq
 * order through `LedgerAuditor`; each row's leaf is recomputed from its fields
 * (so the stored leaf_hash is checked, not trusted), the tree is rebuilt with a
 * MerkleAccumulator, and its root at every checkpoint size is compared with the
 * signed root. What is found names the seq where it can:
 *   - leaf-mismatch:  the row's fields no longer hash to its stored leaf (UPDATE, or a row moved)
 *   - seq-gap / seq-duplicate / seq-order: rows missing (DELETE) or reordered
 *   - truncated:      fewer rows than a checkpoint covers (DELETE at the tail, TRUNCATE)
 *   - consistency:    the first `treeSize` rows no longer produce the signed root;
 *                     `afterSeq` is the size of the last checkpoint that still matched,
 *                     so the alteration lies in (afterSeq, treeSize]
 *   - inclusion:      a proof for one row does not lead to the checkpoint root
 */
import {
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type PublicJwk,
} from '@liaison/crypto';
import { ledgerLeafHashBytes } from './leaf';
import type { LedgerRow } from './ledger-row';
import { MerkleAccumulator } from './merkle-accumulator';

export interface TrustedCheckpoint {
  readonly treeSize: number;
  /** Lowercase hex. */
  readonly rootHash: string;
}

export type LedgerFinding =
  | {
      readonly kind: 'leaf-mismatch';
      readonly seq: number;
      readonly stored: string;
      readonly recomputed: string;
    }
  | { readonly kind: 'seq-gap'; readonly seq: number; readonly expected: number }
  | { readonly kind: 'seq-duplicate'; readonly seq: number }
  | { readonly kind: 'seq-order'; readonly seq: number; readonly previous: number }
  | { readonly kind: 'truncated'; readonly treeSize: number; readonly rows: number }
  | {
      readonly kind: 'consistency';
      readonly treeSize: number;
      readonly expectedRoot: string;
      readonly actualRoot: string;
      readonly afterSeq: number;
    }
  | {
      readonly kind: 'inclusion';
      readonly seq: number;
      readonly treeSize: number;
      readonly reason: string;
    }
  | { readonly kind: 'checkpoint-consistency'; readonly fromSize: number; readonly toSize: number };

export interface CheckpointStatus {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly matches: boolean;
}

export interface LedgerVerificationReport {
  readonly ok: boolean;
  /** Rows read. */
  readonly rows: number;
  /** Root of the recomputed leaves of all rows read. */
  readonly rootHash: string;
  readonly checkpoints: readonly CheckpointStatus[];
  readonly findings: readonly LedgerFinding[];
  /** One line per finding, for people. */
  readonly summary: readonly string[];
}

/** Checks a checkpoint JWS with the hub's public key and returns what it signs. */
export function trustCheckpoint(jws: string, hubKey: PublicJwk): TrustedCheckpoint {
  const signed = verifyCheckpoint(jws, hubKey);
  return { treeSize: signed.treeSize, rootHash: signed.rootHash };
}

const MAX_FINDINGS = 1000;

export class LedgerAuditor {
  private readonly accumulator = MerkleAccumulator.empty();
  private readonly pending: TrustedCheckpoint[];
  private readonly statuses: CheckpointStatus[] = [];
  private readonly findings: LedgerFinding[] = [];
  private lastSeq = 0;
  private lastMatchedSize = 0;
  private truncatedFindingsDropped = 0;

  constructor(checkpoints: readonly TrustedCheckpoint[]) {
    this.pending = [...checkpoints].sort((a, b) => a.treeSize - b.treeSize);
    this.checkPending();
  }

  private note(finding: LedgerFinding): void {
    if (this.findings.length < MAX_FINDINGS) this.findings.push(finding);
    else this.truncatedFindingsDropped += 1;
  }

  /** Rows must come in the order they are stored, i.e. ORDER BY seq. */
  add(row: LedgerRow): void {
    const expected = this.lastSeq + 1;
    if (row.seq === this.lastSeq) this.note({ kind: 'seq-duplicate', seq: row.seq });
    else if (row.seq < this.lastSeq)
      this.note({ kind: 'seq-order', seq: row.seq, previous: this.lastSeq });
    else if (row.seq !== expected) this.note({ kind: 'seq-gap', seq: expected, expected });
    this.lastSeq = Math.max(this.lastSeq, row.seq);
    let leaf: Buffer;
    try {
      leaf = ledgerLeafHashBytes(row);
    } catch {
      leaf = Buffer.alloc(32);
    }
    const recomputed = leaf.toString('hex');
    if (recomputed !== row.leafHash.toLowerCase()) {
      this.note({ kind: 'leaf-mismatch', seq: row.seq, stored: row.leafHash, recomputed });
    }
    this.accumulator.append(leaf);
    this.checkPending();
  }

  private checkPending(): void {
    while (this.pending[0] !== undefined && this.pending[0].treeSize === this.accumulator.size) {
      const checkpoint = this.pending.shift() as TrustedCheckpoint;
      const actual = this.accumulator.rootHex();
      const matches = actual === checkpoint.rootHash.toLowerCase();
      this.statuses.push({ treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, matches });
      if (matches) {
        this.lastMatchedSize = checkpoint.treeSize;
      } else {
        this.note({
          kind: 'consistency',
          treeSize: checkpoint.treeSize,
          expectedRoot: checkpoint.rootHash,
          actualRoot: actual,
          afterSeq: this.lastMatchedSize,
        });
      }
    }
  }

  finish(): LedgerVerificationReport {
    const rows = this.accumulator.size;
    for (const checkpoint of this.pending.splice(0)) {
      this.statuses.push({
        treeSize: checkpoint.treeSize,
        rootHash: checkpoint.rootHash,
        matches: false,
      });
      this.note({ kind: 'truncated', treeSize: checkpoint.treeSize, rows });
    }
    const findings = [...this.findings];
    const summary = findings.map(describeFinding);
    if (this.truncatedFindingsDropped > 0)
      summary.push(`... and ${this.truncatedFindingsDropped} more findings`);
    return {
      ok: findings.length === 0,
      rows,
      rootHash: this.accumulator.rootHex(),
      checkpoints: this.statuses,
      findings,
      summary,
    };
  }
}

/** Verifies rows (in stored order) against checkpoints in one call. */
export function verifyLedger(
  rows: Iterable<LedgerRow>,
  checkpoints: readonly TrustedCheckpoint[],
): LedgerVerificationReport {
  const auditor = new LedgerAuditor(checkpoints);
  for (const row of rows) auditor.add(row);
  return auditor.finish();
}

export interface InclusionProofDocument {
  readonly seq: number;
  readonly treeSize: number;
  /** Hex sibling hashes, leaf level first. */
  readonly proof: readonly string[];
}

const HEX32 = /^[0-9a-f]{64}$/i;

function hexList(values: readonly string[]): Buffer[] | undefined {
  if (!values.every((v) => HEX32.test(v))) return undefined;
  return values.map((v) => Buffer.from(v, 'hex'));
}

/**
 * Is this row (recomputed from its fields, not from its stored hash) at leaf
 * index seq-1 of the tree the checkpoint signs? Returns a finding naming the seq, or null.
 */
export function checkRowInclusion(
  row: Omit<LedgerRow, 'leafHash'>,
  proof: InclusionProofDocument,
  checkpoint: TrustedCheckpoint,
): LedgerFinding | null {
  const fail = (reason: string): LedgerFinding => ({
    kind: 'inclusion',
    seq: row.seq,
    treeSize: checkpoint.treeSize,
    reason,
  });
  if (proof.seq !== row.seq) return fail(`proof is for seq ${proof.seq}`);
  if (proof.treeSize !== checkpoint.treeSize)
    return fail(`proof is for tree size ${proof.treeSize}`);
  const path = hexList(proof.proof);
  if (!path || !HEX32.test(checkpoint.rootHash)) return fail('malformed proof');
  let leaf: Buffer;
  try {
    leaf = ledgerLeafHashBytes(row);
  } catch (error) {
    return fail(`row cannot be hashed: ${(error as Error).message}`);
  }
  const ok = verifyInclusion(
    row.seq - 1,
    checkpoint.treeSize,
    leaf,
    path,
    Buffer.from(checkpoint.rootHash, 'hex'),
  );
  return ok ? null : fail('the row does not lead to the checkpoint root');
}

/** Does the later checkpoint extend the earlier one (append-only)? */
export function checkCheckpointConsistency(
  from: TrustedCheckpoint,
  to: TrustedCheckpoint,
  proof: readonly string[],
): LedgerFinding | null {
  const path = hexList(proof);
  const ok =
    path !== undefined &&
    HEX32.test(from.rootHash) &&
    HEX32.test(to.rootHash) &&
    verifyConsistency(
      from.treeSize,
      to.treeSize,
      path,
      Buffer.from(from.rootHash, 'hex'),
      Buffer.from(to.rootHash, 'hex'),
    );
  return ok
    ? null
    : { kind: 'checkpoint-consistency', fromSize: from.treeSize, toSize: to.treeSize };
}

export function describeFinding(finding: LedgerFinding): string {
  switch (finding.kind) {
    case 'leaf-mismatch':
      return `seq ${finding.seq}: row no longer hashes to its recorded leaf (altered or moved)`;
    case 'seq-gap':
      return `seq ${finding.seq}: missing (rows deleted)`;
    case 'seq-duplicate':
      return `seq ${finding.seq}: appears twice`;
    case 'seq-order':
      return `seq ${finding.seq}: out of order after ${finding.previous}`;
    case 'truncated':
      return `checkpoint of ${finding.treeSize} rows, ledger has only ${finding.rows} (rows deleted or truncated)`;
    case 'consistency':
      return `checkpoint of ${finding.treeSize} rows no longer matches: the ledger changed between seq ${finding.afterSeq + 1} and ${finding.treeSize}`;
    case 'inclusion':
      return `seq ${finding.seq}: not included in the checkpoint of ${finding.treeSize} rows (${finding.reason})`;
    case 'checkpoint-consistency':
      return `checkpoint ${finding.toSize} does not extend checkpoint ${finding.fromSize}`;
  }
}

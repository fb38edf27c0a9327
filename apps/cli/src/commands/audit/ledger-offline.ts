/**
 * Pure offline verification for `liaison audit verify`: no network, no clock.
 *  - reading a checkpoint file (a compact JWS, or the JSON the hub returns for a
 *    checkpoint: {treeSize, rootHash, jws, issuedAt}) and checking the hub's
 *    signature with a key from the hub's JWKS;
 *  - reading an export (`audit export --format json`: {records:[...]}, or a bare
 *    array) and turning each record back into the leaf fields, so every leaf is
 *    RECOMPUTED from the row's fields (libs/ledger), the tree rebuilt and its root
 *    compared at the checkpoint's size;
 *  - checking one row's inclusion proof, and a consistency proof between the
 *    saved checkpoint and the one the proof was made against.
 */
import type { Jwks, PublicJwk } from '@liaison/crypto';
import {
  LedgerAuditor,
  checkCheckpointConsistency,
  checkRowInclusion,
  describeFinding,
  trustCheckpoint,
  type LedgerFinding,
  type LedgerRow,
  type TrustedCheckpoint,
} from '@liaison/ledger';
import type { LedgerRowView } from '@liaison/ledger';
import { parseJsonInput } from '@liaison/local-files';
import { asJsonObject, parseStrictJsonBytes } from '@liaison/crypto';

export class VerificationInputError extends Error {}

/** The compact JWS in a checkpoint file (bare JWS, or JSON with a `jws` field). */
export function checkpointJwsOf(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = parseJsonInput(trimmed, 'checkpoint') as {
      jws?: unknown;
      checkpoint?: { jws?: unknown };
    };
    const jws = parsed.jws ?? parsed.checkpoint?.jws;
    if (typeof jws !== 'string') throw new VerificationInputError('checkpoint JSON has no "jws"');
    return jws.trim();
  }
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(trimmed))
    throw new VerificationInputError('the checkpoint file is not a compact JWS');
  return trimmed;
}

function kidOf(jws: string): string | undefined {
  try {
    const header = asJsonObject(
      parseStrictJsonBytes(Buffer.from(jws.split('.')[0] ?? '', 'base64url')),
    );
    return typeof header?.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the checkpoint's signature with the hub key named by its kid (or, if
 * the JWKS has no such kid, each key in turn). Throws with the reason when no
 * key verifies it.
 */
export function trustCheckpointWith(jws: string, hubJwks: Jwks): TrustedCheckpoint {
  const kid = kidOf(jws);
  const keys: PublicJwk[] = hubJwks.keys.filter((k) => kid !== undefined && k.kid === kid);
  const candidates = keys.length > 0 ? keys : hubJwks.keys;
  if (candidates.length === 0) throw new VerificationInputError('the hub JWKS has no keys');
  let last: unknown;
  for (const key of candidates) {
    try {
      return trustCheckpoint(jws, key);
    } catch (error) {
      last = error;
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new VerificationInputError(
    `checkpoint signature does not verify with the hub key: ${reason}`,
  );
}

/** The records of an export file: `{records: [...]}` or a bare JSON array. */
export function exportedRecords(text: string): LedgerRowView[] {
  const parsed = parseJsonInput(text, 'export');
  const records = Array.isArray(parsed)
    ? parsed
    : (parsed as { records?: unknown } | null)?.records;
  if (!Array.isArray(records))
    throw new VerificationInputError('the export has no "records" array');
  return records as LedgerRowView[];
}

/** The leaf fields of an exported record (the record API carries all of them). */
export function ledgerRowOf(r: LedgerRowView): LedgerRow {
  const need = (value: unknown, field: string): void => {
    if (value === undefined) throw new VerificationInputError(`seq ${r.seq}: no "${field}"`);
  };
  need(r.leafHash, 'leafHash');
  need(r.originator?.agency, 'originator.agency');
  need(r.recipient?.agency, 'recipient.agency');
  need(r.custodial, 'custodial');
  need(r.decidedAt, 'decidedAt');
  return {
    seq: r.seq,
    leafHash: r.leafHash,
    messageId: r.messageId,
    kind: r.kind,
    messageType: r.messageType,
    caseRef: r.caseRef,
    originatorAgency: r.originator.agency,
    originatorJurisdiction: r.originator.jurisdiction,
    recipientAgency: r.recipient.agency,
    recipientJurisdiction: r.recipient.jurisdiction,
    decision: r.decision,
    rules: r.rules,
    disclosedPaths: r.disclosedPaths,
    withheld: r.withheld,
    policyVersion: r.policyVersion,
    presentationDigest: r.presentationDigest,
    custodial: r.custodial,
    decidedAt: r.decidedAt,
    // Exports from before releases existed have no member: their rows are not releases.
    releaseOf: r.releaseOf ?? null,
  };
}

export interface OfflineReport {
  readonly valid: boolean;
  readonly rows: number;
  readonly rootHash: string;
  readonly checkpoints: readonly { treeSize: number; rootHash: string; matches: boolean }[];
  /** The first seq where the ledger stops matching (null when valid or not attributable). */
  readonly firstBadSeq: number | null;
  readonly findings: readonly LedgerFinding[];
  readonly summary: readonly string[];
}

function seqOf(finding: LedgerFinding): number | null {
  switch (finding.kind) {
    case 'leaf-mismatch':
    case 'seq-gap':
    case 'seq-duplicate':
    case 'seq-order':
    case 'inclusion':
      return finding.seq;
    case 'consistency':
      return finding.afterSeq + 1;
    case 'truncated':
      return finding.rows + 1;
    case 'checkpoint-consistency':
      return null;
  }
}

/** Recomputes every leaf and the root of the exported rows; compares with each checkpoint. */
export function verifyExport(
  records: readonly LedgerRowView[],
  checkpoints: readonly TrustedCheckpoint[],
  onProgress: (done: number, total: number) => void = () => undefined,
): OfflineReport {
  const auditor = new LedgerAuditor(checkpoints);
  records.forEach((record, i) => {
    auditor.add(ledgerRowOf(record));
    if ((i + 1) % 1000 === 0 || i + 1 === records.length) onProgress(i + 1, records.length);
  });
  const report = auditor.finish();
  // A row-level finding names the seq exactly; a root mismatch only bounds a range.
  const exact = report.findings
    .filter((f) => f.kind !== 'consistency' && f.kind !== 'truncated')
    .map(seqOf);
  const ranged = report.findings.map(seqOf);
  const seqs = (exact.some((s) => s !== null) ? exact : ranged).filter(
    (s): s is number => s !== null,
  );
  return {
    valid: report.ok,
    rows: report.rows,
    rootHash: report.rootHash,
    checkpoints: report.checkpoints,
    firstBadSeq: seqs.length > 0 ? Math.min(...seqs) : null,
    findings: report.findings,
    summary: report.summary,
  };
}

export interface ProofDocument {
  readonly seq: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly rootHash: string;
  readonly checkpoint: { treeSize: number; rootHash: string; jws: string };
  readonly proof: readonly string[];
}

export interface ProofReport {
  readonly valid: boolean;
  readonly seq: number;
  /** The saved checkpoint the verification is anchored to. */
  readonly saved: TrustedCheckpoint;
  /** The (hub-signed) checkpoint the inclusion proof was made against. */
  readonly provedAgainst: TrustedCheckpoint | null;
  readonly consistency: 'same-checkpoint' | 'verified' | 'failed' | 'not-needed';
  readonly findings: readonly LedgerFinding[];
  readonly summary: readonly string[];
}

/**
 * Is `record` (hashed from its fields) in the ledger the saved checkpoint
 * vouches for? The proof may be against a later checkpoint; then that
 * checkpoint's own signature is checked and `consistencyProof` (from saved to
 * it) must show it extends the saved one.
 */
export function verifyProofOffline(input: {
  readonly record: LedgerRowView;
  readonly proof: ProofDocument;
  readonly saved: TrustedCheckpoint;
  readonly hubJwks: Jwks;
  readonly consistencyProof?: readonly string[];
}): ProofReport {
  const { record, proof, saved } = input;
  const findings: LedgerFinding[] = [];
  const fail = (reason: string): ProofReport => {
    findings.push({ kind: 'inclusion', seq: record.seq, treeSize: proof.treeSize, reason });
    return report(null, 'not-needed');
  };
  const report = (
    against: TrustedCheckpoint | null,
    consistency: ProofReport['consistency'],
  ): ProofReport => ({
    valid: findings.length === 0,
    seq: record.seq,
    saved,
    provedAgainst: against,
    consistency,
    findings,
    summary: findings.map(describeFinding),
  });
  let against: TrustedCheckpoint;
  try {
    against = trustCheckpointWith(proof.checkpoint.jws, input.hubJwks);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (against.treeSize !== proof.treeSize || against.rootHash !== proof.rootHash)
    return fail('the proof names a tree other than the one its checkpoint signs');
  const row = ledgerRowOf(record);
  const inclusion = checkRowInclusion(row, proof, against);
  if (inclusion) findings.push(inclusion);
  let consistency: ProofReport['consistency'] = 'same-checkpoint';
  if (against.treeSize < saved.treeSize) {
    findings.push({
      kind: 'inclusion',
      seq: record.seq,
      treeSize: against.treeSize,
      reason: `the hub proved against a checkpoint of ${against.treeSize} rows, older than the saved one of ${saved.treeSize}`,
    });
    consistency = 'not-needed';
  } else if (against.treeSize > saved.treeSize) {
    if (saved.treeSize === 0) consistency = 'not-needed';
    else {
      const c = checkCheckpointConsistency(saved, against, input.consistencyProof ?? []);
      consistency = c ? 'failed' : 'verified';
      if (c) findings.push(c);
    }
  } else if (against.rootHash !== saved.rootHash) {
    findings.push({
      kind: 'checkpoint-consistency',
      fromSize: saved.treeSize,
      toSize: against.treeSize,
    });
    consistency = 'failed';
  }
  return report(against, consistency);
}

/**
 * The share ledger's leaf: the canonical form of one row's immutable fields and
 * its RFC 6962 leaf hash. Defined once here; the writer, the server-side check
 * and the offline verifier all hash through `ledgerLeafHash`.
 *
 * Leaf data = UTF-8 bytes of canonicalJson (RFC 8785 for these values) of
 *   { v: 1, seq, messageId, kind, messageType, caseRef, originatorAgency,
 *     originatorJurisdiction, recipientAgency, recipientJurisdiction, decision,
 *     rules, disclosedPaths, withheld: [{path, ruleId}], policyVersion,
 *     presentationDigest, custodial, decidedAt }
 * with `decidedAt` as an ISO 8601 UTC string with milliseconds
 * (`Date.prototype.toISOString`) and `seq` as a JSON number. `seq` is inside the
 * leaf so a row moved to another position no longer hashes to its old leaf.
 * leaf_hash = lowercase hex of SHA-256(0x00 || leaf data).
 */
import { canonicalJson, hashLeaf } from '@liaison/crypto';

export const LEDGER_LEAF_VERSION = 1;

export type LedgerDecision = 'FULL' | 'REDACTED' | 'DENIED';

export interface LedgerWithheld {
  readonly path: string;
  readonly ruleId: string;
}

/** The immutable fields of a share_ledger row (everything but leaf_hash and recorded_at). */
export interface LedgerLeaf {
  readonly seq: number;
  readonly messageId: string;
  readonly kind: string;
  readonly messageType: string;
  readonly caseRef: string | null;
  readonly originatorAgency: string;
  readonly originatorJurisdiction: string;
  readonly recipientAgency: string;
  readonly recipientJurisdiction: string;
  readonly decision: LedgerDecision;
  readonly rules: readonly string[];
  readonly disclosedPaths: readonly string[];
  readonly withheld: readonly LedgerWithheld[];
  readonly policyVersion: string;
  readonly presentationDigest: string | null;
  readonly custodial: boolean;
  /** A Date, or an ISO string; normalised to `toISOString()` (millisecond precision). */
  readonly decidedAt: Date | string;
}

function isoOf(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a timestamp: ${String(value)}`);
  return date.toISOString();
}

/** The exact bytes hashed for a leaf. */
export function ledgerLeafData(leaf: LedgerLeaf): Buffer {
  if (!Number.isSafeInteger(leaf.seq) || leaf.seq < 1) {
    throw new RangeError(`ledger seq must be a positive safe integer, got ${leaf.seq}`);
  }
  const canonical = canonicalJson({
    v: LEDGER_LEAF_VERSION,
    seq: leaf.seq,
    messageId: leaf.messageId.toLowerCase(),
    kind: leaf.kind,
    messageType: leaf.messageType,
    caseRef: leaf.caseRef,
    originatorAgency: leaf.originatorAgency,
    originatorJurisdiction: leaf.originatorJurisdiction,
    recipientAgency: leaf.recipientAgency,
    recipientJurisdiction: leaf.recipientJurisdiction,
    decision: leaf.decision,
    rules: [...leaf.rules],
    disclosedPaths: [...leaf.disclosedPaths],
    withheld: leaf.withheld.map((w) => ({ path: w.path, ruleId: w.ruleId })),
    policyVersion: leaf.policyVersion,
    presentationDigest: leaf.presentationDigest,
    custodial: leaf.custodial,
    decidedAt: isoOf(leaf.decidedAt),
  });
  return Buffer.from(canonical, 'utf8');
}

/** RFC 6962 leaf hash of the row, raw bytes. */
export function ledgerLeafHashBytes(leaf: LedgerLeaf): Buffer {
  return hashLeaf(ledgerLeafData(leaf));
}

/** RFC 6962 leaf hash of the row, lowercase hex (the `leaf_hash` column). */
export function ledgerLeafHash(leaf: LedgerLeaf): string {
  return ledgerLeafHashBytes(leaf).toString('hex');
}

/**
 * The ledger row: one delivery or denial in the share ledger (a pair of
 * message and recipient holds one, and at most one release after a denial). `LedgerRowFields`
 * are what a decision's outcome makes of it (immutable once written),
 * `LedgerRow` adds its place (`seq`) and its stored leaf hash, and
 * `LedgerRowColumns` is the same row as PostgreSQL returns it (snake_case,
 * bigint as text, jsonb parsed, timestamptz as Date). The API's answer is
 * `LedgerRowView` (ledger-row-view.ts); the Merkle leaf's bytes and hash are
 * computed from a row in leaf.ts.
 */

export type LedgerDecision = 'FULL' | 'REDACTED' | 'DENIED';

export interface LedgerWithheld {
  readonly path: string;
  readonly ruleId: string;
}

/** The immutable fields of a share_ledger row without its place: everything but seq, leaf_hash and recorded_at. */
export interface LedgerRowFields {
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
  /**
   * A release: the onward consent request under which a held message is
   * delivered to a recipient its first decision denied. Absent or null on
   * every other row (its leaf keeps the v1 form).
   */
  readonly releaseOf?: string | null;
}

/** A stored row: its fields, its place in the ledger and its leaf_hash column. */
export interface LedgerRow extends LedgerRowFields {
  readonly seq: number;
  /** The stored leaf_hash column, lowercase hex. */
  readonly leafHash: string;
}

export interface LedgerRowColumns {
  readonly seq: string | number;
  readonly leaf_hash: string;
  readonly message_id: string;
  readonly kind: string;
  readonly message_type: string;
  readonly case_ref: string | null;
  readonly originator_agency: string;
  readonly originator_jurisdiction: string;
  readonly recipient_agency: string;
  readonly recipient_jurisdiction: string;
  readonly decision: LedgerDecision;
  readonly rules: readonly string[];
  readonly disclosed_paths: readonly string[];
  readonly withheld: readonly LedgerWithheld[];
  readonly policy_version: string;
  readonly presentation_digest: string | null;
  readonly custodial: boolean;
  readonly decided_at: Date | string;
  readonly release_of?: string | null;
  readonly recorded_at?: Date | string;
}

/** The columns the ledger writer writes: the leaf's fields, its seq and its hash. */
export const SHARE_LEDGER_WRITTEN_COLUMNS = [
  'seq',
  'leaf_hash',
  'message_id',
  'kind',
  'message_type',
  'case_ref',
  'originator_agency',
  'originator_jurisdiction',
  'recipient_agency',
  'recipient_jurisdiction',
  'decision',
  'rules',
  'disclosed_paths',
  'withheld',
  'policy_version',
  'presentation_digest',
  'custodial',
  'decided_at',
  'release_of',
] as const satisfies readonly (keyof LedgerRowColumns)[];

/** Columns to select for a row the verifier can hash. */
export const SHARE_LEDGER_COLUMNS = [...SHARE_LEDGER_WRITTEN_COLUMNS, 'recorded_at'].join(', ');

export function ledgerRowFromColumns(row: LedgerRowColumns): LedgerRow {
  return {
    seq: Number(row.seq),
    leafHash: row.leaf_hash,
    messageId: row.message_id,
    kind: row.kind,
    messageType: row.message_type,
    caseRef: row.case_ref,
    originatorAgency: row.originator_agency,
    originatorJurisdiction: row.originator_jurisdiction,
    recipientAgency: row.recipient_agency,
    recipientJurisdiction: row.recipient_jurisdiction,
    decision: row.decision,
    rules: row.rules,
    disclosedPaths: row.disclosed_paths,
    withheld: row.withheld,
    policyVersion: row.policy_version,
    presentationDigest: row.presentation_digest,
    custodial: row.custodial,
    decidedAt: row.decided_at,
    releaseOf: row.release_of ?? null,
  };
}

/**
 * The share_ledger row as PostgreSQL returns it (snake_case, bigint as text,
 * jsonb parsed, timestamptz as Date) and its mapping to the leaf. Only a shape
 * and a mapping: the SQL lives in the apps.
 */
import type { LedgerDecision, LedgerWithheld } from './leaf';
import type { LedgerRowRecord } from './ledger-verification';

export interface ShareLedgerDbRow {
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
] as const satisfies readonly (keyof ShareLedgerDbRow)[];

/** Columns to select for a row the verifier can hash. */
export const SHARE_LEDGER_COLUMNS = [...SHARE_LEDGER_WRITTEN_COLUMNS, 'recorded_at'].join(', ');

export function ledgerRowFromDb(row: ShareLedgerDbRow): LedgerRowRecord {
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
  };
}

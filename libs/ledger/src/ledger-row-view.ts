/**
 * One ledger row as the audit API answers it (GET /v1/audit/records) and the
 * CLI reads it, and its CSV form, shared by the gateway's export and
 * `liaison audit search --format csv` so both write the same columns and quoting.
 */
import type { LedgerDecision, LedgerWithheld } from './ledger-row';

export interface LedgerRowView {
  readonly seq: number;
  readonly leafHash: string;
  readonly messageId: string;
  readonly kind: string;
  readonly messageType: string;
  readonly caseRef: string | null;
  readonly direction: 'sent' | 'received' | null;
  readonly originator: { readonly agency: string; readonly jurisdiction: string };
  readonly recipient: { readonly agency: string; readonly jurisdiction: string };
  readonly decision: LedgerDecision;
  readonly rules: readonly string[];
  readonly disclosedPaths: readonly string[];
  readonly withheld: readonly LedgerWithheld[];
  readonly policyVersion: string;
  readonly presentationDigest: string | null;
  readonly custodial: boolean;
  readonly decidedAt: string;
  readonly recordedAt: string | null;
  /** A release: the onward consent request under which a held message was delivered. */
  readonly releaseOf: string | null;
}

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'decidedAt',
  'direction',
  'messageId',
  'kind',
  'messageType',
  'caseRef',
  'originatorAgency',
  'originatorJurisdiction',
  'recipientAgency',
  'recipientJurisdiction',
  'decision',
  'rules',
  'disclosedPaths',
  'withheld',
  'policyVersion',
  'presentationDigest',
  'leafHash',
  'releaseOf',
] as const;

/** RFC 4180 quoting; a leading = + - @ is neutralised so spreadsheets never run it. */
export function csvField(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
}

export function csvLine(r: LedgerRowView): string {
  const values: Record<(typeof AUDIT_CSV_COLUMNS)[number], string | number | boolean | null> = {
    seq: r.seq,
    decidedAt: r.decidedAt,
    direction: r.direction,
    messageId: r.messageId,
    kind: r.kind,
    messageType: r.messageType,
    caseRef: r.caseRef,
    originatorAgency: r.originator.agency,
    originatorJurisdiction: r.originator.jurisdiction,
    recipientAgency: r.recipient.agency,
    recipientJurisdiction: r.recipient.jurisdiction,
    decision: r.decision,
    rules: r.rules.join(' '),
    disclosedPaths: r.disclosedPaths.join(' '),
    withheld: r.withheld.map((w) => `${w.path}:${w.ruleId}`).join(' '),
    policyVersion: r.policyVersion,
    presentationDigest: r.presentationDigest,
    leafHash: r.leafHash,
    releaseOf: r.releaseOf,
  };
  return `${AUDIT_CSV_COLUMNS.map((c) => csvField(values[c])).join(',')}\r\n`;
}

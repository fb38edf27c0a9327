/**
 * Ledger rows into PostgreSQL by COPY FROM STDIN (text format): one stream per
 * batch instead of a statement with 18 array parameters, which the server then
 * unnests. The rows' columns are the ones the leaf hash covers, written as the
 * same text the parameterised INSERT sent, so a stored row re-hashes identically.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { NewLedgerRow } from './ledger-writer';

export const LEDGER_COLUMNS = [
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
] as const;

const SPECIAL = /[\\\n\r\t]/;

/** One value in COPY's text format: `\N` for null; backslash, tab, CR and LF escaped. */
export function copyText(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

/** The COPY text of ledger rows, one line each, columns in LEDGER_COLUMNS order. */
export function ledgerCopyText(rows: readonly NewLedgerRow[]): string {
  let out = '';
  for (const { seq, leafHash, draft: d } of rows) {
    out +=
      [
        seq,
        leafHash,
        d.messageId,
        d.kind,
        d.messageType,
        d.caseRef,
        d.originatorAgency,
        d.originatorJurisdiction,
        d.recipientAgency,
        d.recipientJurisdiction,
        d.decision,
        JSON.stringify(d.rules),
        JSON.stringify(d.disclosedPaths),
        JSON.stringify(d.withheld),
        d.policyVersion,
        d.presentationDigest,
        d.custodial,
        d.decidedAt,
      ]
        .map(copyText)
        .join('\t') + '\n';
  }
  return out;
}

/** COPY of ledger rows on a connection (inside the caller's transaction). */
export async function copyLedgerRows(
  client: PoolClient,
  rows: readonly NewLedgerRow[],
  table = 'share_ledger',
): Promise<void> {
  if (rows.length === 0) return;
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const sink = client.query(copyFrom(`COPY ${table} (${LEDGER_COLUMNS.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from([ledgerCopyText(rows)]), sink);
}

/**
 * Ledger rows into PostgreSQL by COPY FROM STDIN (text format, sent by
 * @liaison/persistence copyFromStdin): one stream per batch instead of a
 * statement with 18 array parameters, which the server then unnests. Values
 * are written as the text PostgreSQL parses into each column (JSON for jsonb,
 * ISO-8601 for timestamptz), so a stored row re-hashes to its leaf.
 */
import type { PoolClient } from 'pg';
import { SHARE_LEDGER_WRITTEN_COLUMNS, type LedgerRowColumns } from '@liaison/ledger';
import { copyFromStdin } from '@liaison/persistence';
import type { DeliveryContentDraft, NewLedgerRow } from './decision-records';

type CopyValue = string | number | boolean | object | null;

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIALS = /[\\\n\r\t]/g;

/**
 * One value in COPY's text format: `\N` for null, arrays and objects as JSON;
 * backslash, tab, CR and LF escaped.
 */
export function copyText(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (!COPY_SPECIAL.test(text)) return text;
  return text.replace(COPY_SPECIALS, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

type WrittenRow = Pick<LedgerRowColumns, (typeof SHARE_LEDGER_WRITTEN_COLUMNS)[number]>;

function writtenRow({ seq, leafHash, fields: d }: NewLedgerRow): WrittenRow {
  return {
    seq,
    leaf_hash: leafHash,
    message_id: d.messageId,
    kind: d.kind,
    message_type: d.messageType,
    case_ref: d.caseRef,
    originator_agency: d.originatorAgency,
    originator_jurisdiction: d.originatorJurisdiction,
    recipient_agency: d.recipientAgency,
    recipient_jurisdiction: d.recipientJurisdiction,
    decision: d.decision,
    rules: d.rules,
    disclosed_paths: d.disclosedPaths,
    withheld: d.withheld,
    policy_version: d.policyVersion,
    presentation_digest: d.presentationDigest,
    custodial: d.custodial,
    decided_at: d.decidedAt,
    release_of: d.releaseOf ?? null,
  };
}

/** The COPY text of ledger rows, one line each, in SHARE_LEDGER_WRITTEN_COLUMNS order. */
export function ledgerCopyText(rows: readonly NewLedgerRow[]): string {
  let out = '';
  for (const row of rows) {
    const written = writtenRow(row);
    let separator = '';
    for (const column of SHARE_LEDGER_WRITTEN_COLUMNS) {
      out += separator + copyText(written[column] ?? null);
      separator = '\t';
    }
    out += '\n';
  }
  return out;
}

/** Rows per COPY data message: ~20 KB of text, a few hundred microseconds of hashing. */
export const LEDGER_COPY_CHUNK_ROWS = 64;

/**
 * ledgerCopyText in chunks of `rowsPerChunk` rows, pulled from `rows` one chunk
 * at a time: rows computed lazily (leaf hashes included) are hashed while the
 * server parses and inserts the chunks already sent.
 */
export function* ledgerCopyChunks(
  rows: Iterable<NewLedgerRow>,
  rowsPerChunk = LEDGER_COPY_CHUNK_ROWS,
): Generator<string> {
  if (!Number.isSafeInteger(rowsPerChunk) || rowsPerChunk < 1) {
    throw new RangeError(`rows per chunk must be a positive integer, got ${rowsPerChunk}`);
  }
  let chunk: NewLedgerRow[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length === rowsPerChunk) {
      yield ledgerCopyText(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield ledgerCopyText(chunk);
}

/**
 * COPY of ledger rows on a connection (inside the caller's transaction),
 * streamed in chunks as `rows` yields them. Returns the number of rows the
 * server reports copied.
 */
export async function copyLedgerRows(
  client: PoolClient,
  rows: Iterable<NewLedgerRow>,
  table = 'share_ledger',
): Promise<number> {
  return copyFromStdin(client, table, SHARE_LEDGER_WRITTEN_COLUMNS, ledgerCopyChunks(rows));
}

export const DELIVERY_CONTENT_COLUMNS = [
  'message_id',
  'recipient_agency',
  'disclosure_indices',
  'retain_until',
] as const;

/** An int[] in COPY's text format (`{0,3,7}`): integers need no quoting or escaping. */
function intArrayText(values: readonly number[]): string {
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not an integer: ${String(v)}`);
  }
  return `{${values.join(',')}}`;
}

/** The COPY text of recipients' presentations (by reference), in DELIVERY_CONTENT_COLUMNS order. */
export function deliveryContentCopyText(deliveries: readonly DeliveryContentDraft[]): string {
  let out = '';
  for (const d of deliveries) {
    out += `${copyText(d.messageId)}\t${copyText(d.recipientAgency)}\t${intArrayText(d.disclosureIndices)}\t${copyText(d.retainUntil)}\n`;
  }
  return out;
}

/**
 * COPY of recipients' presentations (inside the caller's transaction). Only for
 * deliveries whose ledger rows are new in the same transaction: a presentation
 * is written with its ledger row and never again, so, as for the ledger, a
 * unique violation means a second writer and rolls the batch back.
 */
export async function copyDeliveryContent(
  client: PoolClient,
  deliveries: readonly DeliveryContentDraft[],
): Promise<void> {
  if (deliveries.length === 0) return;
  const copied = await copyFromStdin(client, 'delivery_content', DELIVERY_CONTENT_COLUMNS, [
    deliveryContentCopyText(deliveries),
  ]);
  if (copied !== deliveries.length) {
    throw new Error(`delivery content COPY wrote ${copied} of ${deliveries.length} rows`);
  }
}

/**
 * The link index (link_index): the rows that hold any of a set of pseudonyms,
 * within their retention (the ledger writer matches a new message's
 * pseudonyms with it; the gateway answers hit/no-hit queries with it); a new
 * message's rows, written inside the ledger writer's transaction and
 * idempotent (a row already there is left alone); and the purge of rows past
 * their message's retention.
 */
import type { HandlingCode, Tlp } from '@liaison/contracts';
import type { SelectorKind, StoredLinkRow } from '@liaison/links';
import { returnedRows, type SqlRunner } from './sql-runner';

/** A row to index: a stored row with when it was indexed and how long it is kept. */
export interface NewLinkRow extends StoredLinkRow {
  readonly indexedAt: string;
  readonly retainUntil: string;
}

/** A pseudonym as the index keys it. */
export interface IndexedPseudonym {
  readonly epoch: number;
  readonly kind: string;
  readonly pseudonym: string;
}

/** A link_index row as PostgreSQL returns it. */
export interface LinkIndexRowSql {
  epoch: number;
  kind: string;
  pseudonym: string;
  message_id: string;
  agency_id: string;
  case_handle: string | null;
  tlp: string;
  handling_code: string;
  releasable_to: string[];
  named_recipients: string[];
}

export async function rowsSharing(
  db: { query(sql: string, params: unknown[]): Promise<unknown> },
  pseudonyms: readonly IndexedPseudonym[],
): Promise<StoredLinkRow[]> {
  if (pseudonyms.length === 0) return [];
  const rows = (await db.query(
    `SELECT l.epoch, l.kind, l.pseudonym, l.message_id, l.agency_id, l.case_handle, l.tlp,
            l.handling_code, l.releasable_to, l.named_recipients
       FROM link_index l
       JOIN unnest($1::int[], $2::text[], $3::text[]) AS p(epoch, kind, pseudonym)
         ON l.epoch = p.epoch AND l.kind = p.kind AND l.pseudonym = p.pseudonym
      WHERE l.retain_until > now()`,
    [
      pseudonyms.map((p) => p.epoch),
      pseudonyms.map((p) => p.kind),
      pseudonyms.map((p) => p.pseudonym),
    ],
  )) as LinkIndexRowSql[];
  return rows.map(storedLinkRowOf);
}

export function storedLinkRowOf(r: LinkIndexRowSql): StoredLinkRow {
  return {
    epoch: r.epoch,
    kind: r.kind as SelectorKind,
    pseudonym: r.pseudonym,
    messageId: r.message_id,
    agency: r.agency_id,
    caseHandle: r.case_handle,
    tlp: r.tlp as Tlp,
    handlingCode: r.handling_code as HandlingCode,
    releasableTo: r.releasable_to,
    namedRecipients: r.named_recipients,
  };
}

/** The agency's case handle for each of these messages of its own, as the index holds it. */
export async function caseHandlesOf(
  db: { query(sql: string, params: unknown[]): Promise<unknown> },
  agency: string,
  messageIds: readonly string[],
): Promise<Map<string, string>> {
  if (messageIds.length === 0) return new Map();
  const rows = (await db.query(
    `SELECT DISTINCT ON (message_id) message_id::text AS message_id, case_handle
       FROM link_index
      WHERE agency_id = $1 AND message_id = ANY($2::uuid[]) AND case_handle IS NOT NULL
      ORDER BY message_id`,
    [agency, [...new Set(messageIds)]],
  )) as { message_id: string; case_handle: string }[];
  return new Map(rows.map((r) => [r.message_id, r.case_handle]));
}

export async function insertLinkRows(db: SqlRunner, rows: readonly NewLinkRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO link_index (epoch, kind, pseudonym, message_id, agency_id, case_handle, tlp,
                             handling_code, releasable_to, named_recipients, indexed_at, retain_until)
     SELECT r.epoch, r.kind, r.pseudonym, r.message_id, r.agency_id, r.case_handle, r.tlp,
            r.handling_code,
            ARRAY(SELECT jsonb_array_elements_text(r.releasable_to)),
            ARRAY(SELECT jsonb_array_elements_text(r.named_recipients)),
            r.indexed_at, r.retain_until
       FROM unnest($1::int[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::jsonb[], $10::jsonb[], $11::timestamptz[], $12::timestamptz[])
         AS r(epoch, kind, pseudonym, message_id, agency_id, case_handle, tlp, handling_code,
              releasable_to, named_recipients, indexed_at, retain_until)
     ON CONFLICT DO NOTHING`,
    [
      rows.map((r) => r.epoch),
      rows.map((r) => r.kind),
      rows.map((r) => r.pseudonym),
      rows.map((r) => r.messageId),
      rows.map((r) => r.agency),
      rows.map((r) => r.caseHandle),
      rows.map((r) => r.tlp),
      rows.map((r) => r.handlingCode),
      rows.map((r) => JSON.stringify(r.releasableTo)),
      rows.map((r) => JSON.stringify(r.namedRecipients)),
      rows.map((r) => r.indexedAt),
      rows.map((r) => r.retainUntil),
    ],
  );
}

/** Deletes the index rows past their message's retention; returns how many. */
export async function purgeLinkRows(db: SqlRunner): Promise<number> {
  const result = await db.query(`DELETE FROM link_index WHERE retain_until <= now() RETURNING 1`);
  return returnedRows(result).length;
}

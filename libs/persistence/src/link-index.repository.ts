/**
 * Reading the link index (link_index): the rows that hold any of a set of
 * pseudonyms, within their retention. The ledger writer matches a new
 * message's pseudonyms with it; the gateway answers hit/no-hit queries with it.
 */
import type { HandlingCode, Tlp } from '@liaison/contracts';
import type { SelectorKind, StoredLinkRow } from '@liaison/links';

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

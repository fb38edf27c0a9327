/**
 * The share ledger's reads, for the audit API: the ledger search (the reader's
 * scope and the filters as SQL conditions), one row, the stored content of a
 * message and of a delivery, the leaf hashes a proof is
 * computed from, and the charts' aggregates (the cases' figures come from
 * CaseRepository); for the gateway's other services, a message's outcome per
 * recipient (the submission status) and the latest messages whose content is
 * still kept (what a draft policy is replayed over). Every value reaches SQL
 * as a parameter; the caller decides who may read, this module only how.
 */
import type { MessageKind } from '@liaison/contracts';
import { SHARE_LEDGER_COLUMNS, type LedgerRowColumns } from '@liaison/ledger';
import { SqlConditions, keysetPage, selectRows, type Page, type ReadOrder } from './sql-conditions';
import type { SqlRunner } from './sql-runner';

/** Whose rows: one agency's (sent, received or both; a denial is never the recipient's), or all. */
export interface LedgerScope {
  /** null: every agency's rows (oversight). */
  readonly agency: string | null;
  readonly direction: 'sent' | 'received' | 'all';
}

export interface LedgerSearch {
  readonly scope: LedgerScope;
  readonly caseRef?: string;
  readonly counterpart?: string;
  readonly counterpartJurisdiction?: string;
  readonly decision?: string;
  readonly rule?: string;
  readonly messageType?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export interface LedgerPageQuery extends LedgerSearch {
  readonly order: ReadOrder;
  /** Rows after this seq in that order (below it newest first, above it in ledger order). */
  readonly cursor?: number;
  readonly limit: number;
}

function scopeConditions(scope: LedgerScope, c: SqlConditions): string | null {
  if (scope.agency === null) return null;
  const me = c.param(scope.agency);
  const sent = `originator_agency = ${me}`;
  const received = `(recipient_agency = ${me} AND decision <> 'DENIED')`;
  c.add(
    scope.direction === 'sent'
      ? sent
      : scope.direction === 'received'
        ? received
        : `(${sent} OR ${received})`,
  );
  return me;
}

function searchConditions(search: LedgerSearch): SqlConditions {
  const c = new SqlConditions();
  const me = scopeConditions(search.scope, c);
  if (search.counterpart) {
    const p = c.param(search.counterpart);
    if (me === null) c.add(`(originator_agency = ${p} OR recipient_agency = ${p})`);
    else
      c.add(
        `(CASE WHEN originator_agency = ${me} THEN recipient_agency ELSE originator_agency END) = ${p}`,
      );
  }
  if (search.counterpartJurisdiction) {
    const p = c.param(search.counterpartJurisdiction);
    if (me === null) c.add(`(originator_jurisdiction = ${p} OR recipient_jurisdiction = ${p})`);
    else
      c.add(
        `(CASE WHEN originator_agency = ${me} THEN recipient_jurisdiction ELSE originator_jurisdiction END) = ${p}`,
      );
  }
  if (search.caseRef) c.add(`case_ref = ${c.param(search.caseRef)}`);
  if (search.decision) c.add(`decision = ${c.param(search.decision)}`);
  if (search.messageType) c.add(`message_type = ${c.param(search.messageType)}`);
  if (search.rule) c.add(`rules @> jsonb_build_array(${c.param(search.rule)}::text)`);
  if (search.from) c.add(`decided_at >= ${c.param(search.from.toISOString())}`);
  if (search.to) c.add(`decided_at <= ${c.param(search.to.toISOString())}`);
  return c;
}

/** One page of the ledger search, newest first or in ledger order. */
export async function ledgerRowPage(
  db: SqlRunner,
  query: LedgerPageQuery,
): Promise<Page<LedgerRowColumns>> {
  const c = searchConditions(query);
  const orderBy = keysetPage(c, 'seq', query.order, query.cursor);
  const rows = await selectRows<LedgerRowColumns>(
    db,
    `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger ${c.where()} ${orderBy} LIMIT ${c.param(query.limit + 1)}`,
    c.params,
  );
  return { rows: rows.slice(0, query.limit), more: rows.length > query.limit };
}

/** How many rows the ledger search matches in all (every page). */
export async function ledgerRowCount(db: SqlRunner, search: LedgerSearch): Promise<number> {
  const c = searchConditions(search);
  const [row] = await selectRows<{ n: string }>(
    db,
    `SELECT count(*) AS n FROM share_ledger ${c.where()}`,
    c.params,
  );
  return Number(row?.n ?? 0);
}

export async function ledgerRowAt(
  db: SqlRunner,
  seq: number,
): Promise<LedgerRowColumns | undefined> {
  const [row] = await selectRows<LedgerRowColumns>(
    db,
    `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger WHERE seq = $1`,
    [seq],
  );
  return row;
}

/** The originator's SD-JWT as kept (undefined once erased). */
export async function storedMessageToken(
  db: SqlRunner,
  messageId: string,
): Promise<string | undefined> {
  const [content] = await selectRows<{ sd_jwt: string }>(
    db,
    'SELECT sd_jwt FROM message_content WHERE message_id = $1',
    [messageId],
  );
  return content?.sd_jwt;
}

/** A delivery as kept: its presentation text, or the disclosure indices into the originator's token. */
export interface StoredDelivery {
  readonly presentation: string | null;
  readonly disclosure_indices: number[] | null;
  readonly sd_jwt: string | null;
}

export async function storedDelivery(
  db: SqlRunner,
  messageId: string,
  recipientAgency: string,
): Promise<StoredDelivery | undefined> {
  const [content] = await selectRows<StoredDelivery>(
    db,
    `SELECT d.presentation, d.disclosure_indices, m.sd_jwt
       FROM delivery_content d LEFT JOIN message_content m ON m.message_id = d.message_id
      WHERE d.message_id = $1 AND d.recipient_agency = $2`,
    [messageId, recipientAgency],
  );
  return content;
}

/** The leaf hashes of rows 1..count, in ledger order. */
export async function leafHashesUpTo(db: SqlRunner, count: number): Promise<Buffer[]> {
  const rows = await selectRows<{ leaf_hash: string }>(
    db,
    'SELECT leaf_hash FROM share_ledger WHERE seq <= $1 ORDER BY seq',
    [count],
  );
  return rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
}

export interface MetricsPeriod {
  readonly from: Date;
  readonly to: Date;
  /** null: every agency; an agency: its own sent and received rows. */
  readonly agency: string | null;
}

export interface SharesCountRow {
  /** The UTC day (YYYY-MM-DD) or hour (YYYY-MM-DDTHH:00Z) the count is for. */
  readonly day: string;
  readonly jurisdiction: string;
  readonly count: string;
}

/** What a chart's time axis counts by. */
export type TimeBucket = 'hour' | 'day';

const BUCKET_LABEL: Readonly<Record<TimeBucket, string>> = {
  day: 'YYYY-MM-DD',
  hour: 'YYYY-MM-DD"T"HH24":00Z"',
};

/**
 * Shares delivered (not denied) per UTC day or hour and counterpart
 * jurisdiction: for an agency the other side of each of its rows, for all the
 * recipient's.
 */
export function sharesPerJurisdictionOverTime(
  db: SqlRunner,
  period: MetricsPeriod,
  bucket: TimeBucket,
): Promise<SharesCountRow[]> {
  const params = [
    period.from.toISOString(),
    period.to.toISOString(),
    bucket,
    BUCKET_LABEL[bucket],
    period.agency,
  ];
  return selectRows<SharesCountRow>(
    db,
    `SELECT to_char(date_trunc($3, decided_at AT TIME ZONE 'UTC'), $4) AS day,
            CASE WHEN $5::text IS NULL OR originator_agency = $5 THEN recipient_jurisdiction
                 ELSE originator_jurisdiction END AS jurisdiction,
            count(*) AS count
       FROM share_ledger
      WHERE decided_at >= $1 AND decided_at <= $2 AND decision <> 'DENIED'
        AND ($5::text IS NULL OR originator_agency = $5 OR recipient_agency = $5)
      GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
}

/** The headline figures of a period, counted in SQL (as text, PostgreSQL's bigint). */
export interface PeriodFiguresRow {
  /** Messages the agency (all: every agency) published that the hub decided on. */
  readonly messages: string;
  /** Ledger rows delivered (not denied), sent or received. */
  readonly deliveries: string;
  /** Ledger rows denied, of the agency's own messages. */
  readonly denials: string;
  /** Requests refused and dead letters naming the agency (an aggregate counts its count). */
  readonly refusals: string;
  /** Cases open now that the agency takes part in. */
  readonly open_cases: string;
  /** Link notices the hub sent the agency. */
  readonly link_notices: string;
}

export async function periodFigures(
  db: SqlRunner,
  period: MetricsPeriod,
): Promise<PeriodFiguresRow> {
  const [row] = await selectRows<PeriodFiguresRow>(
    db,
    `SELECT
       (SELECT count(DISTINCT message_id) FROM share_ledger
         WHERE decided_at >= $1 AND decided_at <= $2
           AND ($3::text IS NULL OR originator_agency = $3)) AS messages,
       (SELECT count(*) FROM share_ledger
         WHERE decided_at >= $1 AND decided_at <= $2 AND decision <> 'DENIED'
           AND ($3::text IS NULL OR originator_agency = $3 OR recipient_agency = $3)) AS deliveries,
       (SELECT count(*) FROM share_ledger
         WHERE decided_at >= $1 AND decided_at <= $2 AND decision = 'DENIED'
           AND ($3::text IS NULL OR originator_agency = $3)) AS denials,
       (SELECT coalesce(sum(CASE WHEN jsonb_typeof(details->'count') = 'number'
                                 THEN (details->>'count')::bigint ELSE 1 END), 0)
          FROM le_log
         WHERE action = 'REFUSAL' AND at >= $1 AND at <= $2
           AND ($3::text IS NULL OR details->>'agency' = $3)) AS refusals,
       (SELECT count(*) FROM case_state
         WHERE state->>'status' = 'OPEN' AND ($3::text IS NULL OR $3 = ANY(participants))) AS open_cases,
       (SELECT count(*) FROM le_log
         WHERE action = 'COMBINATION' AND details->>'outcome' = 'NOTIFIED'
           AND at >= $1 AND at <= $2
           AND ($3::text IS NULL OR details->>'learnerAgency' = $3)) AS link_notices`,
    [period.from.toISOString(), period.to.toISOString(), period.agency],
  );
  if (!row) throw new Error('the period figures query answered no row');
  return row;
}

/** Denials per rule (at most 100 rules, most frequent first); an agency's: those it originated. */
export function denialsPerRule(
  db: SqlRunner,
  period: MetricsPeriod,
): Promise<{ rule: string; count: string }[]> {
  return selectRows<{ rule: string; count: string }>(
    db,
    `SELECT rule, count(*) AS count
       FROM share_ledger, jsonb_array_elements_text(rules) AS rule
      WHERE decided_at >= $1 AND decided_at <= $2 AND decision = 'DENIED'
        AND ($3::text IS NULL OR originator_agency = $3)
      GROUP BY rule ORDER BY count(*) DESC, rule LIMIT 100`,
    [period.from.toISOString(), period.to.toISOString(), period.agency],
  );
}

/** A recipient's outcome of a message, from its latest ledger row, with its delivery's feed entry. */
export interface RecipientOutcomeRow {
  readonly recipient_agency: string;
  readonly recipient_jurisdiction: string;
  readonly decision: string;
  readonly rules: unknown;
  readonly withheld: unknown;
  readonly disclosed_paths: unknown;
  readonly policy_version: string;
  readonly decided_at: Date;
  /** The delivery's feed entry id (bigint, as text); null when none (denied, or erased). */
  readonly entry_id: string | null;
}

/**
 * One row per recipient of the message, by recipient: its latest (a release
 * under onward consent follows its denial).
 */
export function recipientOutcomes(
  db: SqlRunner,
  messageId: string,
): Promise<RecipientOutcomeRow[]> {
  return selectRows<RecipientOutcomeRow>(
    db,
    `SELECT DISTINCT ON (l.recipient_agency)
            l.recipient_agency, l.recipient_jurisdiction, l.decision, l.rules, l.withheld,
            l.disclosed_paths, l.policy_version, l.decided_at, f.id AS entry_id
       FROM share_ledger l
       LEFT JOIN feed_entry f
         ON f.message_id = l.message_id AND f.agency_id = l.recipient_agency
      WHERE l.message_id = $1
      ORDER BY l.recipient_agency, l.seq DESC`,
    [messageId],
  );
}

/** A message whose originator's token the hub still keeps. */
export interface RecentShare {
  readonly messageId: string;
  readonly kind: MessageKind;
  readonly originatorAgency: string;
  readonly sdJwt: string;
}

/**
 * The latest messages published by `agencies` whose content is still kept
 * (message_content, within retention), newest first, at most `limit`; only
 * alerts and case notices.
 */
export async function recentShares(
  db: SqlRunner,
  agencies: readonly string[],
  limit: number,
): Promise<RecentShare[]> {
  if (agencies.length === 0) return [];
  const rows = await selectRows<{
    message_id: string;
    kind: string;
    originator_agency: string;
    sd_jwt: string;
  }>(
    db,
    `SELECT s.message_id, s.kind, s.originator_agency, m.sd_jwt
       FROM message_content m JOIN submission s ON s.message_id = m.message_id
      WHERE s.originator_agency = ANY($1)
      ORDER BY s.received_at DESC, s.message_id
      LIMIT $2`,
    [agencies, limit],
  );
  return rows
    .filter((r) => r.kind === 'ALERT' || r.kind === 'CASE_NOTICE')
    .map((r) => ({
      messageId: r.message_id,
      kind: r.kind as MessageKind,
      originatorAgency: r.originator_agency,
      sdJwt: r.sd_jwt,
    }));
}

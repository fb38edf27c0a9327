/**
 * The share ledger's reads, for the audit API: the ledger search (the reader's
 * scope and the filters as SQL conditions), one row, the stored content of a
 * message and of a delivery, the signed checkpoints, the leaf hashes a proof is
 * computed from, and the charts' aggregates. Every value reaches SQL as a
 * parameter; the caller decides who may read, this module only how.
 */
import type { CaseState } from '@liaison/cases';
import { SHARE_LEDGER_COLUMNS, type LedgerRowColumns } from '@liaison/ledger';
import { SqlConditions, keysetPage, type Db, type Page, type ReadOrder } from './sql-conditions';

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
  db: Db,
  query: LedgerPageQuery,
): Promise<Page<LedgerRowColumns>> {
  const c = searchConditions(query);
  const orderBy = keysetPage(c, 'seq', query.order, query.cursor);
  const rows = await db.query<LedgerRowColumns[]>(
    `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger ${c.where()} ${orderBy} LIMIT ${c.param(query.limit + 1)}`,
    c.params,
  );
  return { rows: rows.slice(0, query.limit), more: rows.length > query.limit };
}

/** How many rows the ledger search matches in all (every page). */
export async function ledgerRowCount(db: Db, search: LedgerSearch): Promise<number> {
  const c = searchConditions(search);
  const [row] = await db.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM share_ledger ${c.where()}`,
    c.params,
  );
  return Number(row?.n ?? 0);
}

export async function ledgerRowAt(db: Db, seq: number): Promise<LedgerRowColumns | undefined> {
  const [row] = await db.query<LedgerRowColumns[]>(
    `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger WHERE seq = $1`,
    [seq],
  );
  return row;
}

/** The originator's SD-JWT as kept (undefined once erased). */
export async function storedMessageToken(db: Db, messageId: string): Promise<string | undefined> {
  const [content] = await db.query<{ sd_jwt: string }[]>(
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
  db: Db,
  messageId: string,
  recipientAgency: string,
): Promise<StoredDelivery | undefined> {
  const [content] = await db.query<StoredDelivery[]>(
    `SELECT d.presentation, d.disclosure_indices, m.sd_jwt
       FROM delivery_content d LEFT JOIN message_content m ON m.message_id = d.message_id
      WHERE d.message_id = $1 AND d.recipient_agency = $2`,
    [messageId, recipientAgency],
  );
  return content;
}

export interface CheckpointRow {
  readonly tree_size: string;
  readonly root_hash: string;
  readonly jws: string;
  readonly issued_at: Date;
}

const CHECKPOINT_COLUMNS = 'tree_size, root_hash, jws, issued_at';

/** Signed checkpoints, largest first, below `before` when given. */
export async function checkpointPage(
  db: Db,
  limit: number,
  before: number | undefined,
): Promise<Page<CheckpointRow>> {
  const rows = await db.query<CheckpointRow[]>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoint
      WHERE ($1::bigint IS NULL OR tree_size < $1) ORDER BY tree_size DESC LIMIT $2`,
    [before ?? null, limit + 1],
  );
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/** How many signed checkpoints there are. */
export async function checkpointCount(db: Db): Promise<number> {
  const [row] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM ledger_checkpoint');
  return Number(row?.n ?? 0);
}

/** The checkpoint of this tree size, or the latest. */
export async function checkpointRowAt(
  db: Db,
  size: number | 'latest',
): Promise<CheckpointRow | undefined> {
  const [row] =
    size === 'latest'
      ? await db.query<CheckpointRow[]>(
          `SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1`,
        )
      : await db.query<CheckpointRow[]>(
          `SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoint WHERE tree_size = $1`,
          [size],
        );
  return row;
}

/** The leaf hashes of rows 1..count, in ledger order. */
export async function leafHashesUpTo(db: Db, count: number): Promise<Buffer[]> {
  const rows = await db.query<{ leaf_hash: string }[]>(
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
  readonly day: string;
  readonly jurisdiction: string;
  readonly count: string;
}

/**
 * Shares delivered (not denied) per UTC day and counterpart jurisdiction: for
 * an agency the other side of each of its rows, for all the recipient's.
 */
export function sharesPerJurisdictionPerDay(
  db: Db,
  period: MetricsPeriod,
): Promise<SharesCountRow[]> {
  const range = [period.from.toISOString(), period.to.toISOString()];
  return period.agency !== null
    ? db.query<SharesCountRow[]>(
        `SELECT to_char(date_trunc('day', decided_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                CASE WHEN originator_agency = $3 THEN recipient_jurisdiction ELSE originator_jurisdiction END AS jurisdiction,
                count(*) AS count
           FROM share_ledger
          WHERE decided_at >= $1 AND decided_at <= $2 AND decision <> 'DENIED'
            AND (originator_agency = $3 OR recipient_agency = $3)
          GROUP BY 1, 2 ORDER BY 1, 2`,
        [...range, period.agency],
      )
    : db.query<SharesCountRow[]>(
        `SELECT to_char(date_trunc('day', decided_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                recipient_jurisdiction AS jurisdiction, count(*) AS count
           FROM share_ledger
          WHERE decided_at >= $1 AND decided_at <= $2 AND decision <> 'DENIED'
          GROUP BY 1, 2 ORDER BY 1, 2`,
        range,
      );
}

/** Denials per rule (at most 100 rules, most frequent first); an agency's: those it originated. */
export function denialsPerRule(
  db: Db,
  period: MetricsPeriod,
): Promise<{ rule: string; count: string }[]> {
  return db.query<{ rule: string; count: string }[]>(
    `SELECT rule, count(*) AS count
       FROM share_ledger, jsonb_array_elements_text(rules) AS rule
      WHERE decided_at >= $1 AND decided_at <= $2 AND decision = 'DENIED'
        AND ($3::text IS NULL OR originator_agency = $3)
      GROUP BY rule ORDER BY count(*) DESC, rule LIMIT 100`,
    [period.from.toISOString(), period.to.toISOString(), period.agency],
  );
}

/** The folded states of the cases opened in the period. */
export async function casesOpenedIn(db: Db, from: Date, to: Date): Promise<CaseState[]> {
  const rows = await db.query<{ state: CaseState }[]>(
    `SELECT state FROM case_state
      WHERE (state->>'openedAt')::bigint >= $1 AND (state->>'openedAt')::bigint <= $2`,
    [from.getTime(), to.getTime()],
  );
  return rows.map((r) => r.state);
}

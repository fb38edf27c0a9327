/**
 * Refusals in the law-enforcement log: what the hub refused (a gateway 4xx, a
 * worker dead letter), from whom as far as it is known, and why, as metadata
 * only. Every field is checked against a narrow pattern here, the last step
 * before the database, so nothing a caller sent (content, free text, a claimed
 * value of the wrong shape) can reach the log: what does not fit is dropped.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { LeLogEntry } from './le-log.repository';
import { SqlConditions, keysetPage, selectRows, type Page, type ReadOrder } from './sql-conditions';
import type { SqlRunner } from './sql-runner';

/** Where the hub refused: the gateway, the policy worker, or the case fold (an illegal step). */
export type RefusalStage = 'gateway' | 'worker' | 'case';

/**
 * How the agency was established: `verified` by the hub in this request (a
 * token it verified), `claimed` by the request but not proven (an unverified
 * token's issuer, a submission envelope), `unknown` when nothing usable was
 * named.
 */
export type AgencyAttribution = 'verified' | 'claimed' | 'unknown';

export interface Refusal {
  readonly stage: RefusalStage;
  /** The error code the caller was given (any code: `sdjwt.*`, `token.*`, ...). */
  readonly reasonCode: string;
  /** The HTTP status answered (gateway), null for a dead letter. */
  readonly status: number | null;
  readonly agency: string | null;
  readonly attribution: AgencyAttribution;
  /** The `kid` of the bearer token (gateway). */
  readonly keyId: string | null;
  /** The `kid` of the signed message, where one was sent. */
  readonly messageKeyId: string | null;
  readonly messageId: string | null;
  readonly correlationId: string | null;
  /** `METHOD /route/:pattern` (gateway), or `topic/partition/offset` (dead letter). */
  readonly source: string | null;
  /** When the hub refused it (ISO 8601). */
  readonly refusedAt: string;
}

/** A refusal of something that names no one (no agency, key, message or correlation): where and why only. */
export function unattributedRefusal(
  r: Pick<Refusal, 'stage' | 'reasonCode' | 'status' | 'source' | 'refusedAt'>,
): Refusal {
  return {
    ...r,
    agency: null,
    attribution: 'unknown',
    keyId: null,
    messageKeyId: null,
    messageId: null,
    correlationId: null,
  };
}

/** Refusals beyond the per-window limit for one agency (and attribution), counted. */
export interface RefusalAggregate {
  readonly stage: RefusalStage;
  readonly agency: string | null;
  readonly attribution: AgencyAttribution;
  readonly count: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** How many of the counted refusals had each reason code. */
  readonly reasonCodes: Readonly<Record<string, number>>;
}

export const UNKNOWN_AGENCY = 'unknown';
const REFUSAL_ACTOR = 'hub';
const MAX_AGGREGATE_CODES = 32;

const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const REASON_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
// JWK thumbprints (base64url) may start with '-' or '_'.
const KEY_ID = /^[A-Za-z0-9_-][A-Za-z0-9._:-]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CORRELATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const SOURCE = /^[A-Za-z0-9 /:._-]{1,200}$/;

function fits(value: unknown, pattern: RegExp): string | null {
  return typeof value === 'string' && pattern.test(value) ? value : null;
}

export const refusalField = {
  agency: (v: unknown): string | null => fits(v, AGENCY_ID),
  reasonCode: (v: unknown): string => fits(v, REASON_CODE) ?? 'unreadable-code',
  keyId: (v: unknown): string | null => fits(v, KEY_ID),
  messageId: (v: unknown): string | null => fits(v, UUID)?.toLowerCase() ?? null,
  correlationId: (v: unknown): string | null => fits(v, CORRELATION_ID),
  source: (v: unknown): string | null => fits(v, SOURCE),
};

function isoOf(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
}

/** A refusal's fields as written in the entry's `details`, each checked. */
export interface RefusalDetails {
  readonly stage: RefusalStage;
  readonly reasonCode: string;
  readonly status: number | null;
  /** A registered-looking agency id, or `unknown`. */
  readonly agency: string;
  readonly attribution: AgencyAttribution;
  readonly keyId: string | null;
  readonly messageKeyId: string | null;
  readonly messageId: string | null;
  readonly correlationId: string | null;
  readonly source: string | null;
  readonly refusedAt: string;
  readonly count: 1;
}

export function refusalDetails(r: Refusal): RefusalDetails {
  const agency = refusalField.agency(r.agency);
  return {
    stage: r.stage,
    reasonCode: refusalField.reasonCode(r.reasonCode),
    status: typeof r.status === 'number' && Number.isInteger(r.status) ? r.status : null,
    agency: agency ?? UNKNOWN_AGENCY,
    attribution: agency === null ? 'unknown' : r.attribution,
    keyId: refusalField.keyId(r.keyId),
    messageKeyId: refusalField.keyId(r.messageKeyId),
    messageId: refusalField.messageId(r.messageId),
    correlationId: refusalField.correlationId(r.correlationId),
    source: refusalField.source(r.source),
    refusedAt: isoOf(r.refusedAt),
    count: 1,
  };
}

function where(stage: RefusalStage): string {
  switch (stage) {
    case 'gateway':
      return 'refused at the gateway';
    case 'worker':
      return 'dead-lettered by the policy worker';
    case 'case':
      return 'not taken into its case (the case state machine refused the step)';
  }
}

const STAGES: readonly RefusalStage[] = ['gateway', 'worker', 'case'];

/** One REFUSAL entry; `eventKey` makes it once-only (a redelivered dead letter). */
export function refusalLogEntry(r: Refusal, eventKey?: string): LeLogEntry {
  const d = refusalDetails(r);
  const status = d.status === null ? '' : `${d.status} `;
  return {
    actor: REFUSAL_ACTOR,
    action: 'REFUSAL',
    subject: d.messageId ?? `agency:${d.agency}`,
    justification: `${where(r.stage)} (${status}${d.reasonCode})`,
    details: { ...d },
    ...(eventKey === undefined ? {} : { eventKey }),
  };
}

/** One REFUSAL entry standing for `count` refusals of one agency in one window. */
export function refusalAggregateEntry(a: RefusalAggregate): LeLogEntry {
  const agency = refusalField.agency(a.agency);
  const codes: Record<string, number> = Object.create(null) as Record<string, number>;
  let other = 0;
  for (const [code, n] of Object.entries(a.reasonCodes)) {
    const safe = refusalField.reasonCode(code);
    if (Object.keys(codes).length < MAX_AGGREGATE_CODES || safe in codes)
      codes[safe] = (codes[safe] ?? 0) + n;
    else other += n;
  }
  if (other > 0) codes.other = (codes.other ?? 0) + other;
  return {
    actor: REFUSAL_ACTOR,
    action: 'REFUSAL',
    subject: `agency:${agency ?? UNKNOWN_AGENCY}`,
    justification: `${where(a.stage)}: ${a.count} more refusal(s) in this window, counted, not listed`,
    details: {
      stage: a.stage,
      aggregate: true,
      agency: agency ?? UNKNOWN_AGENCY,
      attribution: agency === null ? 'unknown' : a.attribution,
      count: a.count,
      windowStart: isoOf(a.windowStart),
      windowEnd: isoOf(a.windowEnd),
      reasonCodes: { ...codes },
    },
  };
}

/**
 * Appends entries that carry an event key, skipping any whose key is already
 * in the log (the partial unique index `le_log_event_key`).
 */
export async function appendLeLogOnce(
  db: DataSource | EntityManager,
  entries: readonly (LeLogEntry & { readonly eventKey: string })[],
): Promise<number> {
  if (entries.length === 0) return 0;
  const rows: unknown[] = await db.query(
    `INSERT INTO le_log (actor, action, subject, justification, details, event_key)
     SELECT actor, action, subject, justification, details, event_key
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])
            WITH ORDINALITY AS e(actor, action, subject, justification, details, event_key, n)
      ORDER BY n
     ON CONFLICT (event_key) WHERE event_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.subject),
      entries.map((e) => e.justification),
      entries.map((e) => JSON.stringify(e.details ?? {})),
      entries.map((e) => e.eventKey),
    ],
  );
  return rows.length;
}

/** A REFUSAL entry as the audit API answers it (one refusal, or an aggregate of `count`). */
export interface RefusalRecord {
  readonly id: number;
  readonly at: string;
  readonly stage: RefusalStage;
  readonly aggregate: boolean;
  readonly count: number;
  readonly agency: string;
  readonly attribution: AgencyAttribution;
  readonly reasonCode: string | null;
  readonly reasonCodes: Readonly<Record<string, number>> | null;
  readonly status: number | null;
  readonly keyId: string | null;
  readonly messageKeyId: string | null;
  readonly messageId: string | null;
  readonly correlationId: string | null;
  readonly source: string | null;
  readonly refusedAt: string | null;
  readonly windowStart: string | null;
  readonly windowEnd: string | null;
}

/** Reads a stored REFUSAL entry back (the fields written by the builders above). */
export function refusalRecordOf(row: {
  id: string | number;
  at: Date | string;
  details: Record<string, unknown>;
}): RefusalRecord {
  const d = row.details;
  const str = (name: string): string | null => {
    const v = Object.hasOwn(d, name) ? d[name] : undefined;
    return typeof v === 'string' ? v : null;
  };
  const aggregate = d.aggregate === true;
  const codes = d.reasonCodes;
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    stage: STAGES.find((stage) => stage === str('stage')) ?? 'gateway',
    aggregate,
    count: typeof d.count === 'number' ? d.count : 1,
    agency: str('agency') ?? UNKNOWN_AGENCY,
    attribution: (['verified', 'claimed'].includes(str('attribution') ?? '')
      ? str('attribution')
      : 'unknown') as AgencyAttribution,
    reasonCode: str('reasonCode'),
    reasonCodes:
      aggregate && typeof codes === 'object' && codes !== null
        ? (codes as Record<string, number>)
        : null,
    status: typeof d.status === 'number' ? d.status : null,
    keyId: str('keyId'),
    messageKeyId: str('messageKeyId'),
    messageId: str('messageId'),
    correlationId: str('correlationId'),
    source: str('source'),
    refusedAt: str('refusedAt'),
    windowStart: str('windowStart'),
    windowEnd: str('windowEnd'),
  };
}

/** Which REFUSAL entries: one agency's (null: every agency's) and the filters. */
export interface RefusalSearch {
  /** null: every agency's (oversight). */
  readonly scopeAgency: string | null;
  readonly agency?: string;
  /** An exact code, or a family ending in a dot. */
  readonly reason?: string;
  readonly stage?: RefusalStage;
  readonly attribution?: AgencyAttribution;
  readonly from?: Date;
  readonly to?: Date;
}

export interface RefusalPageQuery extends RefusalSearch {
  readonly order: ReadOrder;
  /** Entries after this id in that order. */
  readonly cursor?: number;
  readonly limit: number;
}

function refusalConditions(query: RefusalSearch): SqlConditions {
  const c = new SqlConditions();
  c.add(`action = 'REFUSAL'`);
  if (query.scopeAgency !== null) c.add(`details->>'agency' = ${c.param(query.scopeAgency)}`);
  if (query.agency) c.add(`details->>'agency' = ${c.param(query.agency)}`);
  if (query.stage) c.add(`details->>'stage' = ${c.param(query.stage)}`);
  if (query.attribution) c.add(`details->>'attribution' = ${c.param(query.attribution)}`);
  if (query.reason) {
    const p = c.param(query.reason);
    c.add(
      query.reason.endsWith('.')
        ? `(starts_with(details->>'reasonCode', ${p}) OR EXISTS (
             SELECT 1 FROM jsonb_object_keys(CASE jsonb_typeof(details->'reasonCodes')
               WHEN 'object' THEN details->'reasonCodes' ELSE '{}'::jsonb END) AS k
             WHERE starts_with(k, ${p})))`
        : `(details->>'reasonCode' = ${p} OR coalesce(details->'reasonCodes' ? ${p}, false))`,
    );
  }
  if (query.from) c.add(`at >= ${c.param(query.from.toISOString())}`);
  if (query.to) c.add(`at <= ${c.param(query.to.toISOString())}`);
  return c;
}

/** One page of REFUSAL entries from the law-enforcement log, newest first or in log order. */
export async function refusalPage(
  db: SqlRunner,
  query: RefusalPageQuery,
): Promise<Page<RefusalRecord>> {
  const c = refusalConditions(query);
  const orderBy = keysetPage(c, 'id', query.order, query.cursor);
  const rows = await selectRows<{ id: string; at: Date; details: Record<string, unknown> }>(
    db,
    `SELECT id, at, details FROM le_log ${c.where()} ${orderBy} LIMIT ${c.param(query.limit + 1)}`,
    c.params,
  );
  return { rows: rows.slice(0, query.limit).map(refusalRecordOf), more: rows.length > query.limit };
}

/** How many REFUSAL entries the search matches in all. */
export async function refusalCount(db: SqlRunner, search: RefusalSearch): Promise<number> {
  const c = refusalConditions(search);
  const [row] = await selectRows<{ n: string }>(
    db,
    `SELECT count(*) AS n FROM le_log ${c.where()}`,
    c.params,
  );
  return Number(row?.n ?? 0);
}

/**
 * Parsing and bounding of every audit query parameter. Anything not listed is
 * refused; each refusal names its field. Values only ever reach SQL as
 * parameters.
 */
import { QueryParams, parseInteger, refusalWith, type RawQuery } from '../http/query-params';

export type Direction = 'sent' | 'received' | 'all';

/** newest: newest first (the console's lists); ledger: oldest first, in ledger order. */
export type ReadOrder = 'newest' | 'ledger';

export interface RecordFilter {
  readonly caseRef?: string;
  readonly counterpart?: string;
  readonly counterpartJurisdiction?: string;
  readonly direction: Direction;
  readonly from?: Date;
  readonly to?: Date;
  readonly decision?: 'FULL' | 'REDACTED' | 'DENIED';
  readonly rule?: string;
  readonly messageType?: string;
  readonly order: ReadOrder;
  /** The nextCursor of the previous page, in the same order. */
  readonly cursor?: number;
  readonly limit: number;
}

export type { RawQuery };

export const MAX_LIMIT = 500;

const refuseAudit = refusalWith('audit.invalid-query');

function params(query: RawQuery): QueryParams {
  return new QueryParams(query, refuseAudit);
}

export function onlyKnown(query: RawQuery, known: readonly string[]): void {
  params(query).onlyKnown(known);
}

function text(query: RawQuery, field: string, pattern: RegExp, hint: string): string | undefined {
  return params(query).text(field, pattern, hint);
}

export function integer(
  query: RawQuery,
  field: string,
  min: number,
  max: number,
): number | undefined {
  return params(query).integer(field, { min, max });
}

export function timestamp(query: RawQuery, field: string): Date | undefined {
  return params(query).date(field);
}

export const RECORD_PARAMS = [
  'caseRef',
  'counterpart',
  'counterpartJurisdiction',
  'direction',
  'from',
  'to',
  'decision',
  'rule',
  'messageType',
  'order',
  'cursor',
  'limit',
] as const;

/** The order of a list: `newest` first, or `ledger` order (oldest first, the default). */
export function parseOrder(query: RawQuery): ReadOrder {
  return (text(query, 'order', /^(newest|ledger)$/, 'newest or ledger') ?? 'ledger') as ReadOrder;
}

export function parseRecordFilter(query: RawQuery): RecordFilter {
  onlyKnown(query, RECORD_PARAMS);
  const direction = (text(query, 'direction', /^(sent|received|all)$/, 'sent, received or all') ??
    'all') as Direction;
  const decision = text(
    query,
    'decision',
    /^(FULL|REDACTED|DENIED)$/,
    'FULL, REDACTED or DENIED',
  ) as RecordFilter['decision'] | undefined;
  const from = timestamp(query, 'from');
  const to = timestamp(query, 'to');
  if (from && to && from > to) throw refuseAudit('from', 'must not be after to');
  return {
    caseRef: text(query, 'caseRef', /^[A-Za-z0-9][A-Za-z0-9._\-/:]{0,99}$/, 'a case reference'),
    counterpart: text(query, 'counterpart', /^[a-z0-9][a-z0-9-]{1,62}$/, 'an agency id'),
    counterpartJurisdiction: text(
      query,
      'counterpartJurisdiction',
      /^[A-Z]{2,3}$/,
      'a jurisdiction code such as NL or INT',
    ),
    direction,
    from,
    to,
    decision,
    rule: text(query, 'rule', /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'a rule id'),
    messageType: text(query, 'messageType', /^[A-Z][A-Z_]{1,39}$/, 'a message type'),
    order: parseOrder(query),
    cursor: integer(query, 'cursor', 0, Number.MAX_SAFE_INTEGER),
    limit: integer(query, 'limit', 1, MAX_LIMIT) ?? 100,
  };
}

export function parseSeq(value: string): number {
  return parseInteger(value, 'seq', { min: 1, max: Number.MAX_SAFE_INTEGER }, refuseAudit);
}

/** A read that takes no query parameters. */
export function parseNoQuery(query: RawQuery): void {
  onlyKnown(query, []);
}

export function parseCheckpointsQuery(query: RawQuery): { limit: number; before?: number } {
  onlyKnown(query, ['limit', 'before']);
  return {
    limit: integer(query, 'limit', 1, MAX_LIMIT) ?? 100,
    before: integer(query, 'before', 1, Number.MAX_SAFE_INTEGER),
  };
}

/** Two checkpoint sizes, from <= to. */
export function parseConsistencyQuery(query: RawQuery): { from: number; to: number } {
  onlyKnown(query, ['from', 'to']);
  const from = integer(query, 'from', 1, Number.MAX_SAFE_INTEGER);
  const to = integer(query, 'to', 1, Number.MAX_SAFE_INTEGER);
  if (from === undefined || to === undefined || from > to) {
    throw refuseAudit(
      from === undefined ? 'from' : 'to',
      'from and to are checkpoint sizes with from <= to',
    );
  }
  return { from, to };
}

const DAY_MS = 86_400_000;
export const MAX_METRICS_DAYS = 366;

/** A period of at most MAX_METRICS_DAYS, by default the 90 days up to now. */
export function parseMetricsQuery(query: RawQuery, now = new Date()): { from: Date; to: Date } {
  onlyKnown(query, ['from', 'to']);
  const to = timestamp(query, 'to') ?? now;
  const from = timestamp(query, 'from') ?? new Date(to.getTime() - 90 * DAY_MS);
  if (from > to || to.getTime() - from.getTime() > MAX_METRICS_DAYS * DAY_MS) {
    throw refuseAudit('from', `the range must be positive and at most ${MAX_METRICS_DAYS} days`);
  }
  return { from, to };
}

/** What the shares chart counts by: hours for a period of up to two days, else days. */
export type MetricsBucket = 'hour' | 'day';

const MAX_HOURLY_DAYS = 31;

/**
 * The dashboard's period (as parseMetricsQuery) and its time bucket: `bucket`
 * when given (hourly at most MAX_HOURLY_DAYS), else by the period's length.
 */
export function parseAuditMetricsQuery(
  query: RawQuery,
  now = new Date(),
): { from: Date; to: Date; bucket: MetricsBucket } {
  const { bucket: _bucket, ...period } = query;
  const { from, to } = parseMetricsQuery(period, now);
  const chosen = text(query, 'bucket', /^(hour|day)$/, 'hour or day') as MetricsBucket | undefined;
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (chosen === 'hour' && days > MAX_HOURLY_DAYS)
    throw refuseAudit('bucket', `hour is for periods of at most ${MAX_HOURLY_DAYS} days`);
  return { from, to, bucket: chosen ?? (days <= 2 ? 'hour' : 'day') };
}

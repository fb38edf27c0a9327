/**
 * Parsing and bounding of every audit query parameter. Anything not listed is
 * refused; each refusal names its field. Values only ever reach SQL as
 * parameters.
 */
import { DomainError } from '@liaison/errors';

export type Direction = 'sent' | 'received' | 'all';

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
  readonly cursor: number;
  readonly limit: number;
}

export type RawQuery = Readonly<Record<string, unknown>>;

export const MAX_LIMIT = 500;

function invalid(field: string, message: string): DomainError {
  return new DomainError('audit.invalid-query', `${field}: ${message}`, 'invalid-input', { field });
}

export function onlyKnown(query: RawQuery, known: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!known.includes(key)) throw invalid(key, 'unknown parameter');
  }
}

function text(query: RawQuery, field: string, pattern: RegExp, hint: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'give it once, as text');
  if (!pattern.test(value)) throw invalid(field, hint);
  return value;
}

export function integer(
  query: RawQuery,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = text(query, field, /^\d{1,15}$/, 'a whole number');
  if (value === undefined) return undefined;
  const n = Number(value);
  if (n < min || n > max) throw invalid(field, `between ${min} and ${max}`);
  return n;
}

export function timestamp(query: RawQuery, field: string): Date | undefined {
  const value = text(
    query,
    field,
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/,
    'an ISO 8601 date or timestamp',
  );
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(field, 'not a real date');
  return date;
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
  'cursor',
  'limit',
] as const;

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
  if (from && to && from > to) throw invalid('from', 'must not be after to');
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
    cursor: integer(query, 'cursor', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    limit: integer(query, 'limit', 1, MAX_LIMIT) ?? 100,
  };
}

export function parseSeq(value: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw invalid('seq', 'a positive ledger seq');
  return Number(value);
}

/**
 * The query of GET /v1/audit/refusals: every parameter bounded, anything
 * unknown refused (each refusal names its field); values reach SQL only as
 * parameters.
 */
import { DomainError } from '@liaison/errors';
import {
  MAX_LIMIT,
  integer,
  onlyKnown,
  parseOrder,
  timestamp,
  type RawQuery,
  type ReadOrder,
} from './audit-filters';

export interface RefusalFilter {
  readonly agency?: string;
  /** An exact code (`sdjwt.revoked-key`), or a family ending in a dot (`sdjwt.`). */
  readonly reason?: string;
  readonly stage?: 'gateway' | 'worker' | 'case';
  readonly attribution?: 'verified' | 'claimed' | 'unknown';
  readonly from?: Date;
  readonly to?: Date;
  readonly order: ReadOrder;
  /** The nextCursor of the previous page, in the same order. */
  readonly cursor?: number;
  readonly limit: number;
}

export const REFUSAL_PARAMS = [
  'agency',
  'reason',
  'stage',
  'attribution',
  'from',
  'to',
  'order',
  'cursor',
  'limit',
] as const;

function invalid(field: string, message: string): DomainError {
  return new DomainError('audit.invalid-query', `${field}: ${message}`, 'invalid-input', { field });
}

function text(query: RawQuery, field: string, pattern: RegExp, hint: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(field, hint);
  return value;
}

export function parseRefusalFilter(query: RawQuery): RefusalFilter {
  onlyKnown(query, REFUSAL_PARAMS);
  const from = timestamp(query, 'from');
  const to = timestamp(query, 'to');
  if (from && to && from > to) throw invalid('from', 'must not be after to');
  return {
    agency: text(query, 'agency', /^([a-z0-9][a-z0-9-]{1,62}|unknown)$/, 'an agency id or unknown'),
    reason: text(
      query,
      'reason',
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/,
      'a reason code (e.g. sdjwt.revoked-key) or a family ending in a dot (sdjwt.)',
    ),
    stage: text(query, 'stage', /^(gateway|worker|case)$/, 'gateway, worker or case') as
      RefusalFilter['stage'] | undefined,
    attribution: text(
      query,
      'attribution',
      /^(verified|claimed|unknown)$/,
      'verified, claimed or unknown',
    ) as RefusalFilter['attribution'] | undefined,
    from,
    to,
    order: parseOrder(query),
    cursor: integer(query, 'cursor', 0, Number.MAX_SAFE_INTEGER),
    limit: integer(query, 'limit', 1, MAX_LIMIT) ?? 100,
  };
}

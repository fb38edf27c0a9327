/**
 * TAXII 2.1 over HTTP: its media types (section 1.6.8), the Accept check, the
 * TAXII error object (section 3.6.1) every refusal on a TAXII route is answered
 * with, and the query limits.
 */
import type { Request } from 'express';
import { DomainError } from '@liaison/errors';
import type { ErrorRenderer } from '@liaison/runtime';
import { parseInteger, refusalWith } from '../http/query-params';

export const TAXII_PREFIX = 'taxii2';
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
/** Largest page served; a larger `limit` is answered with this many (section 3.4). */
export const TAXII_MAX_PAGE = 1000;
export const TAXII_DEFAULT_PAGE = 100;

/**
 * Section 1.6.8.1: the client's Accept must name `application/taxii+json`, with
 * `version=2.1` or no version (the latest); otherwise 406.
 */
export function requireTaxiiAccept(req: Request): void {
  const accept = req.headers.accept ?? '';
  const ok = accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='))?.slice('version='.length);
    return version === undefined || version === '2.1';
  });
  if (!ok)
    throw new DomainError(
      'taxii.not-acceptable',
      `Accept must include ${TAXII_MEDIA_TYPE}`,
      'not-acceptable',
    );
}

const refuseLimit = refusalWith('taxii.bad-limit');

/** `limit`: a positive integer; above the server's largest page, that page (section 3.4). */
export function taxiiLimit(params: URLSearchParams): number {
  const all = params.getAll('limit');
  if (all.length === 0) return TAXII_DEFAULT_PAGE;
  if (all.length > 1) throw new DomainError('taxii.bad-limit', 'limit: give it once');
  return Math.min(
    parseInteger(all[0], 'limit', { min: 1, max: Number.MAX_SAFE_INTEGER }, refuseLimit),
    TAXII_MAX_PAGE,
  );
}

/** The request's query exactly as sent (`match[type]` stays one name, repeats kept). */
export function queryOf(req: Request): URLSearchParams {
  const at = req.originalUrl.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : req.originalUrl.slice(at + 1));
}

/** `next`, given at most once. */
export function taxiiNext(params: URLSearchParams): string | undefined {
  const all = params.getAll('next');
  if (all.length > 1) throw new DomainError('taxii.bad-next', 'next: give it once');
  return all[0];
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  406: 'Not acceptable',
  413: 'Request too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Errors on TAXII routes as the TAXII error object, with the TAXII media type. */
export const taxiiErrorRenderer: ErrorRenderer = (request, status, error) => {
  const path = request.originalUrl.split('?')[0] ?? '';
  if (path !== `/${TAXII_PREFIX}` && !path.startsWith(`/${TAXII_PREFIX}/`)) return undefined;
  const description = typeof error.message === 'string' ? error.message : error.code;
  return {
    contentType: TAXII_MEDIA_TYPE,
    body: {
      title: TITLES[status] ?? `HTTP ${status}`,
      description,
      ...(typeof error.errorId === 'string' ? { error_id: error.errorId } : {}),
      error_code: error.code,
      http_status: String(status),
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  };
};

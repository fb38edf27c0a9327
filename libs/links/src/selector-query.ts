/**
 * A hit/no-hit query's selector: what an officer types ("+40 721 555 014",
 * a passport number with its issuing country, a plate with its country)
 * canonicalised exactly as a message's selector field would be, so a query
 * finds what the index holds whatever the spelling. Read from untrusted JSON:
 * only own members are read, unknown members are refused, and a value that does
 * not canonicalise is refused with the reason (never echoed back).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { isoCountry, regionOfJurisdiction } from './country';
import { canonicalEmail } from './email';
import { canonicalIban } from './iban';
import { canonicalDocument } from './identity-document';
import { canonicalHandle } from './online-handle';
import { canonicalPersonKey } from './person-key';
import { canonicalPhone } from './phone';
import {
  SELECTOR_KINDS,
  skip,
  strengthOf,
  type Canonical,
  type Selector,
  type SelectorKind,
  type SkipReason,
} from './selector';
import { canonicalPlate, canonicalVin } from './vehicle';
import { canonicalWallet } from './wallet';

/** The longest value a query may carry (an IBAN is 34, a wallet about 100). */
export const MAX_QUERY_VALUE = 200;

export interface SelectorQuery {
  readonly kind: SelectorKind;
  readonly value: string;
  /**
   * PHONE: the region of a number written in national form (default: the
   * querying agency's jurisdiction); DOCUMENT: issuing country (required);
   * PLATE: registration country (required).
   */
  readonly country?: string;
  /** HANDLE: the platform (required); WALLET: the chain or institution. */
  readonly platform?: string;
  /** PERSON: the date of birth, YYYY-MM-DD (required); `value` is the name. */
  readonly dateOfBirth?: string;
}

/** Why a query is refused before it reaches the index. */
export type SelectorQueryProblem =
  | { readonly field: string; readonly reason: 'missing' | 'not-text' | 'too-long' | 'unknown' }
  | { readonly field: 'kind'; readonly reason: 'unknown-kind' }
  | { readonly field: 'value'; readonly reason: SkipReason };

export type ParsedSelectorQuery =
  | { readonly ok: true; readonly selector: Selector }
  | { readonly ok: false; readonly problem: SelectorQueryProblem };

const MEMBERS = ['kind', 'value', 'country', 'platform', 'dateOfBirth'] as const;

function isKind(value: string): value is SelectorKind {
  return (SELECTOR_KINDS as readonly string[]).includes(value);
}

/** The canonical selector of a query, or why there is none. */
export function canonicalQuerySelector(
  query: SelectorQuery,
  querierJurisdiction: string,
): Canonical {
  const { value } = query;
  switch (query.kind) {
    case 'PHONE': {
      const region =
        query.country === undefined
          ? regionOfJurisdiction(querierJurisdiction)
          : (isoCountry(query.country) as CountryCode | undefined);
      if (query.country !== undefined && region === undefined) return skip('unknown-country');
      return canonicalPhone(value, region);
    }
    case 'DOCUMENT':
      return query.country === undefined
        ? skip('missing-country')
        : canonicalDocument(value, query.country);
    case 'PLATE':
      return query.country === undefined
        ? skip('missing-country')
        : canonicalPlate(value, query.country);
    case 'VIN':
      return canonicalVin(value);
    case 'IBAN':
      return canonicalIban(value);
    case 'EMAIL':
      return canonicalEmail(value);
    case 'HANDLE':
      return canonicalHandle(value, query.platform);
    case 'WALLET':
      return canonicalWallet(value, query.platform);
    case 'PERSON':
      return canonicalPersonKey(value, query.dateOfBirth);
  }
}

/**
 * Reads a query from an untrusted JSON body (own members only; anything
 * unknown, missing, not text or too long is a problem named by its field)
 * and canonicalises it.
 */
export function parseSelectorQuery(
  body: unknown,
  querierJurisdiction: string,
): ParsedSelectorQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problem: { field: 'body', reason: 'missing' } };
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(MEMBERS as readonly string[]).includes(key)) {
      return { ok: false, problem: { field: key.slice(0, 40), reason: 'unknown' } };
    }
  }
  const text: Partial<Record<(typeof MEMBERS)[number], string>> = {};
  for (const member of MEMBERS) {
    if (!Object.hasOwn(record, member)) continue;
    const v = record[member];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string') return { ok: false, problem: { field: member, reason: 'not-text' } };
    if (v.length > MAX_QUERY_VALUE) {
      return { ok: false, problem: { field: member, reason: 'too-long' } };
    }
    text[member] = v;
  }
  if (text.kind === undefined) return { ok: false, problem: { field: 'kind', reason: 'missing' } };
  const kind = text.kind.trim().toUpperCase();
  if (!isKind(kind)) return { ok: false, problem: { field: 'kind', reason: 'unknown-kind' } };
  if (text.value === undefined || text.value.trim().length === 0) {
    return { ok: false, problem: { field: 'value', reason: 'missing' } };
  }
  const result = canonicalQuerySelector(
    {
      kind,
      value: text.value,
      country: text.country,
      platform: text.platform,
      dateOfBirth: text.dateOfBirth,
    },
    querierJurisdiction,
  );
  if (!result.ok) return { ok: false, problem: { field: 'value', reason: result.reason } };
  return { ok: true, selector: { kind, value: result.value, strength: strengthOf(kind) } };
}

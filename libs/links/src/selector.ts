/**
 * The selector vocabulary: what a link is made of. A selector is a canonical
 * string per kind, so that two agencies writing the same phone, document or plate
 * differently produce the same value, and two different ones never do.
 */

export const SELECTOR_KINDS = [
  'PHONE',
  'DOCUMENT',
  'PLATE',
  'VIN',
  'IBAN',
  'EMAIL',
  'HANDLE',
  'WALLET',
  'PERSON',
] as const;
export type SelectorKind = (typeof SELECTOR_KINDS)[number];

/** EXACT: the same identifier; POSSIBLE: the same name and date of birth, a weaker signal. */
export type LinkStrength = 'EXACT' | 'POSSIBLE';

/** The strength each kind carries: only the person key is a possible link. */
export function strengthOf(kind: SelectorKind): LinkStrength {
  return kind === 'PERSON' ? 'POSSIBLE' : 'EXACT';
}

/** Strength of a set of shared kinds: the strongest of them. */
export function strengthOfKinds(kinds: Iterable<SelectorKind>): LinkStrength {
  for (const kind of kinds) if (strengthOf(kind) === 'EXACT') return 'EXACT';
  return 'POSSIBLE';
}

export interface Selector {
  readonly kind: SelectorKind;
  /** Canonical value; never logged, never stored: only its pseudonym leaves the worker. */
  readonly value: string;
  readonly strength: LinkStrength;
}

/** Why a value found in a selector field yields no selector. */
export type SkipReason =
  | 'empty'
  | 'missing-country'
  | 'unknown-country'
  | 'invalid-phone'
  | 'invalid-document-number'
  | 'invalid-plate'
  | 'invalid-vin'
  | 'vin-check-digit'
  | 'invalid-iban'
  | 'invalid-email'
  | 'missing-platform'
  | 'invalid-handle'
  | 'invalid-wallet'
  | 'wallet-checksum'
  | 'unknown-chain'
  | 'missing-name'
  | 'partial-date-of-birth'
  | 'unsupported-type';

/**
 * A value skipped, with where it was and why. It never carries the value itself,
 * so a list of skipped selectors is safe to log.
 */
export interface SkippedSelector {
  readonly kind: SelectorKind;
  /** Field path in the message, e.g. `subjects[0].identity.documents[1]`. */
  readonly path: string;
  readonly reason: SkipReason;
}

/** The outcome of canonicalising one value. */
export type Canonical =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: SkipReason };

export function canonical(value: string): Canonical {
  return { ok: true, value };
}

export function skip(reason: SkipReason): Canonical {
  return { ok: false, reason };
}

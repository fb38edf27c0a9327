/**
 * Selector extraction: every selector field of a decoded Alert or CaseNotice,
 * canonicalised, deduplicated. A value that cannot be canonicalised is returned
 * in `skipped` with its path and reason (never its content), not thrown: one bad
 * phone number must not stop the message or its other links.
 * Free text (narrative, headline, advert excerpts) is not scanned: a selector is
 * only what the originator put in a selector field.
 */
import type {
  ContactHandle,
  FinancialIdentifier,
  Message,
  PersonIdentity,
  Vehicle,
} from '@liaison/contracts';
import type { CountryCode } from 'libphonenumber-js/max';
import { isoCountry, regionOfJurisdiction } from './country';
import { canonicalEmail } from './email';
import { canonicalIban } from './iban';
import { canonicalDocument } from './identity-document';
import { canonicalHandle, PHONE_PLATFORMS, platformOf } from './online-handle';
import { canonicalPersonKey } from './person-key';
import { canonicalPhone } from './phone';
import {
  strengthOf,
  type Canonical,
  type Selector,
  type SelectorKind,
  type SkippedSelector,
} from './selector';
import { canonicalPlate, canonicalVin } from './vehicle';
import { canonicalWallet } from './wallet';

export interface ExtractedSelectors {
  /** Distinct selectors, in the order first found. */
  readonly selectors: readonly Selector[];
  readonly skipped: readonly SkippedSelector[];
}

class SelectorCollector {
  private readonly seen = new Set<string>();
  readonly selectors: Selector[] = [];
  readonly skipped: SkippedSelector[] = [];

  add(kind: SelectorKind, path: string, result: Canonical): void {
    if (!result.ok) {
      this.skipped.push({ kind, path, reason: result.reason });
      return;
    }
    const key = `${kind}\u0000${result.value}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.selectors.push({ kind, value: result.value, strength: strengthOf(kind) });
  }

  skip(kind: SelectorKind, path: string, reason: SkippedSelector['reason']): void {
    this.skipped.push({ kind, path, reason });
  }
}

function contactHandle(
  out: SelectorCollector,
  handle: ContactHandle,
  path: string,
  region: CountryCode | undefined,
): void {
  switch (handle.handleType) {
    case 'PHONE':
      out.add('PHONE', path, canonicalPhone(handle.value, region));
      return;
    case 'EMAIL':
      out.add('EMAIL', path, canonicalEmail(handle.value));
      return;
    case 'MESSENGER':
    case 'SOCIAL_MEDIA':
    case 'OTHER': {
      const platform = handle.platform == null ? undefined : platformOf(handle.platform);
      if (platform !== undefined && PHONE_PLATFORMS.has(platform)) {
        out.add('PHONE', path, canonicalPhone(handle.value, region));
      } else {
        out.add('HANDLE', path, canonicalHandle(handle.value, handle.platform));
      }
      return;
    }
  }
}

function personNames(identity: PersonIdentity): string[] {
  const names: string[] = [];
  if (identity.fullName != null) names.push(identity.fullName);
  else if (identity.givenNames != null || identity.familyName != null) {
    names.push(`${identity.givenNames ?? ''} ${identity.familyName ?? ''}`);
  }
  names.push(...identity.aliases);
  return names;
}

function personIdentity(
  out: SelectorCollector,
  identity: PersonIdentity,
  path: string,
  region: CountryCode | undefined,
): void {
  identity.documents.forEach((doc, i) => {
    out.add(
      'DOCUMENT',
      `${path}.documents[${i}]`,
      canonicalDocument(doc.number, doc.issuingCountry),
    );
  });
  identity.contactHandles.forEach((handle, i) => {
    contactHandle(out, handle, `${path}.contactHandles[${i}]`, region);
  });
  const names = personNames(identity);
  if (names.length === 0) {
    if (identity.dateOfBirth != null) out.skip('PERSON', path, 'missing-name');
    return;
  }
  names.forEach((name, i) => {
    const at = i === 0 ? path : `${path}.aliases[${i - 1}]`;
    out.add('PERSON', at, canonicalPersonKey(name, identity.dateOfBirth));
  });
}

function vehicle(out: SelectorCollector, v: Vehicle, path: string): void {
  if (v.plate != null) {
    out.add('PLATE', `${path}.plate`, canonicalPlate(v.plate, v.registrationCountry));
  }
  if (v.vin != null) out.add('VIN', `${path}.vin`, canonicalVin(v.vin));
}

function financialIdentifier(
  out: SelectorCollector,
  fi: FinancialIdentifier,
  path: string,
  region: CountryCode | undefined,
): void {
  switch (fi.identifierType) {
    case 'IBAN':
      out.add('IBAN', path, canonicalIban(fi.value));
      return;
    case 'CRYPTO_WALLET':
      out.add('WALLET', path, canonicalWallet(fi.value, fi.institution));
      return;
    case 'MOBILE_MONEY': {
      // Mobile money accounts (M-Pesa, GCash, ...) are phone numbers.
      const country = isoCountry(fi.country) as CountryCode | undefined;
      out.add('PHONE', path, canonicalPhone(fi.value, country ?? region));
      return;
    }
    case 'BANK_ACCOUNT':
    case 'PAYMENT_CARD':
    case 'MONEY_TRANSFER':
    case 'OTHER':
      // National account numbers, masked cards and transfer references have no
      // canonical form that could not collide across institutions.
      out.skip('IBAN', path, 'unsupported-type');
      return;
  }
}

/**
 * The selectors of a message. `originatorJurisdiction` (e.g. `RO`, `UK`) is the
 * default region for phone numbers written in national form; a jurisdiction that
 * is no country (`INT`) accepts international numbers only.
 */
export function extractSelectors(
  message: Message,
  originatorJurisdiction: string,
): ExtractedSelectors {
  const region = regionOfJurisdiction(originatorJurisdiction);
  const out = new SelectorCollector();
  message.subjects.forEach((subject, i) => {
    if (subject.identity !== null) {
      personIdentity(out, subject.identity, `subjects[${i}].identity`, region);
    }
  });
  if ('vehicles' in message) {
    message.vehicles.forEach((v, i) => vehicle(out, v, `vehicles[${i}]`));
    message.financialIdentifiers.forEach((fi, i) => {
      financialIdentifier(out, fi, `financialIdentifiers[${i}]`, region);
    });
  }
  return { selectors: out.selectors, skipped: out.skipped };
}

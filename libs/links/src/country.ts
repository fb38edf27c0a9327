/**
 * Country codes as agencies write them, folded to ISO 3166-1 alpha-2. Jurisdictions
 * use `UK` and EU documents `EL`; plates carry the international distinguishing sign
 * (`D`, `F`, `GB`...). One place for these folds so every selector agrees.
 */
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';

const ALIASES: Readonly<Record<string, string>> = {
  UK: 'GB',
  EL: 'GR',
};

/** International distinguishing signs of vehicles (Vienna Convention) that differ from ISO. */
const VEHICLE_SIGNS: Readonly<Record<string, string>> = {
  A: 'AT',
  B: 'BE',
  BG: 'BG',
  CH: 'CH',
  CZ: 'CZ',
  D: 'DE',
  DK: 'DK',
  E: 'ES',
  EST: 'EE',
  F: 'FR',
  FIN: 'FI',
  GBM: 'IM',
  H: 'HU',
  HR: 'HR',
  I: 'IT',
  IRL: 'IE',
  L: 'LU',
  LT: 'LT',
  LV: 'LV',
  M: 'MT',
  MD: 'MD',
  N: 'NO',
  NL: 'NL',
  P: 'PT',
  PL: 'PL',
  RO: 'RO',
  S: 'SE',
  SK: 'SK',
  SLO: 'SI',
  SRB: 'RS',
  T: 'TH',
  UA: 'UA',
  RP: 'PH',
  VN: 'VN',
};

/** ISO alpha-2 of a written country code, or undefined when it names no country we know. */
export function isoCountry(code: string | null | undefined): string | undefined {
  if (code === null || code === undefined) return undefined;
  const upper = code.trim().toUpperCase();
  const iso = ALIASES[upper] ?? upper;
  return /^[A-Z]{2}$/.test(iso) && isSupportedCountry(iso) ? iso : undefined;
}

/** ISO alpha-2 of a vehicle's registration country, accepting distinguishing signs. */
export function vehicleCountry(code: string | null | undefined): string | undefined {
  if (code === null || code === undefined) return undefined;
  const upper = code.trim().toUpperCase();
  return isoCountry(upper) ?? isoCountry(VEHICLE_SIGNS[upper]);
}

/** The phone region of a jurisdiction (`UK` → `GB`); undefined for `INT` and the like. */
export function regionOfJurisdiction(jurisdiction: string): CountryCode | undefined {
  const iso = isoCountry(jurisdiction);
  return iso === undefined ? undefined : (iso as CountryCode);
}

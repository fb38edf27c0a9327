/**
 * Phone numbers to E.164 with libphonenumber-js (full metadata, so a number must be
 * valid for its country, not merely of a plausible length). A number written in
 * national form is read in the message's region: "0721 555 014" from a Romanian
 * message is +40721555014, as are "+40 721 555 014" and "0040721555014".
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { canonical, skip, type Canonical } from './selector';

/** At most this many characters are read: a phone field longer than that is not a phone. */
const MAX_PHONE_CHARS = 64;

export function canonicalPhone(raw: string, defaultRegion: CountryCode | undefined): Canonical {
  const text = raw.trim();
  if (text.length === 0) return skip('empty');
  if (text.length > MAX_PHONE_CHARS) return skip('invalid-phone');
  const parsed =
    defaultRegion === undefined
      ? parsePhoneNumberFromString(text)
      : parsePhoneNumberFromString(text, defaultRegion);
  if (parsed === undefined || !parsed.isValid()) return skip('invalid-phone');
  return canonical(parsed.number);
}

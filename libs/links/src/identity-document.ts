/**
 * Identity and travel documents: issuing country plus the number as printed, with
 * separators and case folded ("AB 123-456" and "ab123456"). Letters and digits are
 * never swapped for look-alikes (O/0, I/1): that would link different documents.
 * The document type is left out: one agency's PASSPORT is another's NATIONAL_ID.
 */
import { isoCountry } from './country';
import { canonical, skip, type Canonical } from './selector';

const SEPARATORS = /[\s\-./_]+/g;
const DOCUMENT_NUMBER = /^[A-Z0-9]{5,20}$/;

export function canonicalDocument(number: string, issuingCountry: string): Canonical {
  const folded = number.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
  if (folded.length === 0) return skip('empty');
  const country = isoCountry(issuingCountry);
  if (country === undefined) {
    return skip(issuingCountry.trim() === '' ? 'missing-country' : 'unknown-country');
  }
  if (!DOCUMENT_NUMBER.test(folded) || !/[0-9]/.test(folded)) {
    return skip('invalid-document-number');
  }
  return canonical(`${country}:${folded}`);
}

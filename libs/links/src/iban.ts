/**
 * IBANs in electronic format (no spaces, upper case), validated by ibantools:
 * country format and the ISO 7064 mod-97 check, so a mistyped IBAN never links.
 */
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { canonical, skip, type Canonical } from './selector';

export function canonicalIban(raw: string): Canonical {
  const text = raw.trim().replace(/^IBAN[:\s]*/i, '');
  if (text.length === 0) return skip('empty');
  const electronic = electronicFormatIBAN(text.replace(/[-.]/g, ''));
  if (electronic === null || !isValidIBAN(electronic)) return skip('invalid-iban');
  return canonical(electronic);
}

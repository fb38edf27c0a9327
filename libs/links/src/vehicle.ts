/**
 * Vehicles: registration plates (country + plate) and VINs. Plates fold separators,
 * case and the Cyrillic letters that plates in Cyrillic countries share with Latin
 * (Р, В, Н... are the same plate characters as P, B, H); the country is required,
 * since "B123ABC" in Romania and in Bulgaria are two vehicles.
 * VINs (ISO 3779) are 17 characters without I, O, Q; the check digit (position 9)
 * is enforced where it is mandatory: vehicles for North America (WMI 1-5) and China (L).
 */
import { vehicleCountry } from './country';
import { canonical, skip, type Canonical } from './selector';

const PLATE_SEPARATORS = /[\s\-.·•_/]+/g;
const PLATE = /^[A-Z0-9]{2,12}$/;

/** Cyrillic letters used on plates for their Latin twins (GOST and Ukrainian/Bulgarian plates). */
const CYRILLIC_PLATE_LETTERS: Readonly<Record<string, string>> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  І: 'I',
};

export function canonicalPlate(
  plate: string,
  registrationCountry: string | null | undefined,
): Canonical {
  let folded = '';
  for (const ch of plate.normalize('NFKC').toUpperCase().replace(PLATE_SEPARATORS, '')) {
    folded += CYRILLIC_PLATE_LETTERS[ch] ?? ch;
  }
  if (folded.length === 0) return skip('empty');
  if (registrationCountry === null || registrationCountry === undefined) {
    return skip('missing-country');
  }
  const country = vehicleCountry(registrationCountry);
  if (country === undefined) return skip('unknown-country');
  if (!PLATE.test(folded)) return skip('invalid-plate');
  return canonical(`${country}:${folded}`);
}

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

function transliterated(ch: string): number {
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  return 'ABCDEFGH'.includes(ch)
    ? 'ABCDEFGH'.indexOf(ch) + 1
    : 'JKLMN'.includes(ch)
      ? 'JKLMN'.indexOf(ch) + 1
      : ch === 'P'
        ? 7
        : ch === 'R'
          ? 9
          : 'STUVWXYZ'.indexOf(ch) + 2;
}

/** The ISO 3779 / FMVSS 115 check digit of a well-formed VIN ('0'..'9' or 'X'). */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += transliterated(vin[i] as string) * (VIN_WEIGHTS[i] as number);
  const rest = sum % 11;
  return rest === 10 ? 'X' : String(rest);
}

function checkDigitMandatory(vin: string): boolean {
  const region = vin[0] as string;
  return (region >= '1' && region <= '5') || region === 'L';
}

export function canonicalVin(raw: string): Canonical {
  const folded = raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s-]+/g, '');
  if (folded.length === 0) return skip('empty');
  if (!VIN.test(folded)) return skip('invalid-vin');
  if (checkDigitMandatory(folded) && vinCheckDigit(folded) !== folded[8]) {
    return skip('vin-check-digit');
  }
  return canonical(folded);
}

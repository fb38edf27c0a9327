/**
 * The person key: a name and a full date of birth, a POSSIBLE link only, since
 * names are transliterated differently across borders and people share them.
 * Names are transliterated to ASCII (any-ascii: "Ștefan", "Штефан" → "Stefan"),
 * case- and accent-folded, split into words and sorted, so that the order of given
 * and family names (Hungarian, Vietnamese, Chinese conventions) does not matter.
 * A partial date of birth (year, or year and month) is too weak to link on.
 */
import anyAscii from 'any-ascii';
import { canonical, skip, type Canonical } from './selector';

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(text: string): boolean {
  const m = FULL_DATE.exec(text);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** The folded words of a name: ASCII, lower case, sorted; apostrophes and hyphens split words. */
export function foldedName(name: string): string {
  return anyAscii(name.normalize('NFKC'))
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
    .sort()
    .join(' ');
}

export function canonicalPersonKey(
  name: string | null | undefined,
  dateOfBirth: string | null | undefined,
): Canonical {
  const folded = name == null ? '' : foldedName(name);
  if (folded.length === 0) return skip('missing-name');
  if (!/ /.test(folded)) return skip('missing-name');
  if (dateOfBirth == null || !validDate(dateOfBirth.trim())) return skip('partial-date-of-birth');
  return canonical(`${folded}|${dateOfBirth.trim()}`);
}

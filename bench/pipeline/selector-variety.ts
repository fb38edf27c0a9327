/**
 * Selectors as real traffic carries them. The 7 example alerts name one phone,
 * passport, plate and IBAN each; sent thousands of times as they are, every copy
 * would link with every earlier copy, and link pairs (le_log entries, link
 * notices) would grow with the square of the messages. No agency's traffic looks
 * like that, and it buried the pipeline's figures under the ledger's work.
 *
 * So each bench message carries its own selector values, derived from its index
 * and still valid (phones stay numbers libphonenumber accepts, IBANs keep their
 * check digits, VINs their check digit), and every `REPEAT_EVERY`-th message
 * repeats the selectors of the message one template cycle before it, which came
 * from another publisher: a partner holding the same phone. The link path still
 * runs, and its work grows linearly with the traffic.
 */
import { composeIBAN, extractIBAN, isValidIBAN } from 'ibantools';
import { vinCheckDigit } from '@liaison/links';

/** One message in this many repeats an earlier message's selectors. */
export const REPEAT_EVERY = 10;

/**
 * The index whose selector values message `n` carries: its own, or, for every
 * `REPEAT_EVERY`-th message, those of the message `templates` before it (the
 * same template, and with 4 publishers cycling, another publisher).
 */
export function selectorIndex(n: number, templates: number): number {
  return n % REPEAT_EVERY === 0 && n >= templates ? n - templates : n;
}

type Json = Record<string, unknown>;

const digits = (v: number, width: number): string => String(v).padStart(width, '0');

/** Lower-case letters for `v` (a, b, ..., z, ba, ...): names carry no digits. */
function letters(v: number): string {
  let out = '';
  let rest = v;
  do {
    out = String.fromCharCode(97 + (rest % 26)) + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return out;
}

/** The same phone plan, its last 6 digits replaced (a mobile range stays one). */
function phone(value: string, v: number): string {
  return value.slice(0, -6) + digits(v % 1_000_000, 6);
}

/** The account digits before the national check replaced, the check digits recomputed. */
function iban(value: string, v: number): string {
  const parts = extractIBAN(value);
  const { countryCode, bban } = parts;
  if (!parts.valid || countryCode === undefined || bban === undefined) {
    throw new Error(`bench template IBAN ${value} is not valid`);
  }
  const stem = bban.slice(0, -8) + digits(v % 1_000_000, 6);
  for (let key = 0; key < 100; key++) {
    const candidate = composeIBAN({ countryCode, bban: stem + digits(key, 2) });
    if (candidate !== null && isValidIBAN(candidate)) return candidate;
  }
  throw new Error(`no valid ${countryCode} IBAN for account ${stem}`);
}

function vin(value: string, v: number): string {
  const serial = value.slice(0, 12) + digits(v % 100_000, 5);
  return serial.slice(0, 8) + vinCheckDigit(serial) + serial.slice(9);
}

function identity(id: Json, v: number): Json {
  const tag = letters(v);
  const familyName = typeof id.familyName === 'string' ? `${id.familyName} ${tag}` : id.familyName;
  return {
    ...id,
    familyName,
    fullName: typeof id.fullName === 'string' ? `${id.fullName} ${tag}` : id.fullName,
    // One word each, as in the templates: an alias alone is no person key.
    aliases: (id.aliases as string[]).map((alias) => `${alias}${tag}`),
    documents: (id.documents as Json[]).map((doc) => ({
      ...doc,
      number: `${String(doc.number)}${v}`,
    })),
    contactHandles: (id.contactHandles as Json[]).map((handle) => ({
      ...handle,
      value: /^\+?[0-9 ]+$/.test(String(handle.value))
        ? phone(String(handle.value), v)
        : `${String(handle.value)}_${tag}`,
    })),
  };
}

/**
 * `message` with every selector field given values of its own for index `v`.
 * Fields that yield no selector in the template (a wallet failing its checksum,
 * a partial date of birth) stay as they are, so each message carries as many
 * selectors as its template.
 */
export function withSelectorsOf(message: Json, v: number): Json {
  const out: Json = {
    ...message,
    subjects: (message.subjects as Json[]).map((subject) => ({
      ...subject,
      identity: subject.identity == null ? null : identity(subject.identity as Json, v),
    })),
  };
  if (Array.isArray(message.vehicles)) {
    out.vehicles = (message.vehicles as Json[]).map((vehicle) => ({
      ...vehicle,
      plate: typeof vehicle.plate === 'string' ? `${vehicle.plate}${v}` : vehicle.plate,
      vin: typeof vehicle.vin === 'string' ? vin(vehicle.vin, v) : vehicle.vin,
    }));
  }
  if (Array.isArray(message.financialIdentifiers)) {
    out.financialIdentifiers = (message.financialIdentifiers as Json[]).map((fi) => {
      if (fi.identifierType === 'IBAN') return { ...fi, value: iban(String(fi.value), v) };
      if (fi.identifierType === 'MOBILE_MONEY') return { ...fi, value: phone(String(fi.value), v) };
      return fi;
    });
  }
  return out;
}

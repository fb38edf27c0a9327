/**
 * Parsing of every gateway query parameter (and of the numeric path segments and
 * headers that play the same part). A value is given once, as text, matches its
 * grammar and lies in its range, or the request is refused with 400, the
 * endpoint's code and the field's name. Nothing is coerced: no exponent, sign,
 * blank or overflow becomes a number, and a date that does not exist
 * (2026-02-30) is refused instead of rolling over into March.
 */
import { DomainError } from '@liaison/errors';

export type RawQuery = Readonly<Record<string, unknown>>;

/** Builds the refusal for one field; each endpoint family keeps its own code. */
export type QueryRefusal = (field: string, message: string) => DomainError;

/** A refusal with one code (or one per field), the field named in message and details. */
export function refusalWith(code: string | ((field: string) => string)): QueryRefusal {
  return (field, message) =>
    new DomainError(
      typeof code === 'string' ? code : code(field),
      `${field}: ${message}`,
      'invalid-input',
      { field },
    );
}

/** PostgreSQL's bigint: the largest id a cursor over a bigint column can name. */
export const PG_BIGINT_MAX = 9_223_372_036_854_775_807n;

export interface IntegerRange<T extends number | bigint> {
  readonly min: T;
  readonly max: T;
}

/** Longest decimal text looked at: enough for any bigint, with leading zeros to spare. */
const MAX_DIGITS = 32;

/** Years a date parameter may name: the ledger starts after 1970, four digits end at 9999. */
const MIN_YEAR = 1970;

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))?)?$/;

function single(raw: unknown, field: string, refuse: QueryRefusal): string {
  if (typeof raw !== 'string') throw refuse(field, 'give it once, as text');
  return raw;
}

/** A whole decimal number in [min, max], as a bigint (no sign unless min < 0, no exponent). */
export function parseBigInteger(
  raw: unknown,
  field: string,
  range: IntegerRange<bigint>,
  refuse: QueryRefusal,
): bigint {
  const text = single(raw, field, refuse);
  const grammar = range.min < 0n ? /^-?\d+$/ : /^\d+$/;
  if (text.length > MAX_DIGITS || !grammar.test(text)) throw refuse(field, 'a whole number');
  const value = BigInt(text);
  if (value < range.min || value > range.max)
    throw refuse(field, `between ${range.min} and ${range.max}`);
  return value;
}

/** A whole decimal number in [min, max]; both bounds must be safe integers. */
export function parseInteger(
  raw: unknown,
  field: string,
  range: IntegerRange<number>,
  refuse: QueryRefusal,
): number {
  if (!Number.isSafeInteger(range.min) || !Number.isSafeInteger(range.max))
    throw new Error(`${field}: integer bounds must be safe integers`);
  return Number(
    parseBigInteger(raw, field, { min: BigInt(range.min), max: BigInt(range.max) }, refuse),
  );
}

/**
 * An ISO 8601 calendar date (`2026-02-28`, midnight UTC) or date-time
 * (`2026-02-28T10:00`, `...:30.5Z`, `...+01:00`; no zone = UTC). The fields
 * must name a real instant: the value is rebuilt from the parsed instant and
 * must come back the same (a round trip), so 2026-02-30 or 24:00 is refused.
 */
export function parseDate(raw: unknown, field: string, refuse: QueryRefusal): Date {
  const text = single(raw, field, refuse);
  const m = DATE_TIME.exec(text);
  if (!m)
    throw refuse(field, 'an ISO 8601 date or timestamp, e.g. 2026-02-28 or 2026-02-28T10:00Z');
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) =>
    Number(m[i] ?? '0'),
  ) as [number, number, number, number, number, number];
  const fraction = Number(`0.${m[7] ?? '0'}`);
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const roundTrip =
    utc.getUTCFullYear() === year &&
    utc.getUTCMonth() === month - 1 &&
    utc.getUTCDate() === day &&
    utc.getUTCHours() === hour &&
    utc.getUTCMinutes() === minute &&
    utc.getUTCSeconds() === second;
  if (!roundTrip || year < MIN_YEAR) throw refuse(field, 'not a real date and time');
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const [hours, minutes] = [Number(m[10]), Number(m[11])];
    if (hours > 23 || minutes > 59) throw refuse(field, 'not a real UTC offset');
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return new Date(utc.getTime() + Math.floor(fraction * 1000) - offsetMinutes * 60_000);
}

/** One request's query parameters, each read through the parsers above. */
export class QueryParams {
  constructor(
    private readonly query: RawQuery,
    private readonly refuse: QueryRefusal,
  ) {}

  /** Refuses any parameter not listed (endpoints that are strict about their inputs). */
  onlyKnown(known: readonly string[]): this {
    for (const key of Object.keys(this.query)) {
      if (!known.includes(key)) throw this.refuse(key, 'unknown parameter');
    }
    return this;
  }

  private raw(field: string): unknown {
    return Object.hasOwn(this.query, field) ? this.query[field] : undefined;
  }

  /** Absent or empty = undefined. */
  private present(field: string): unknown {
    const value = this.raw(field);
    return value === undefined || value === '' ? undefined : value;
  }

  text(field: string, pattern: RegExp, hint: string): string | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    const text = single(value, field, this.refuse);
    if (!pattern.test(text)) throw this.refuse(field, hint);
    return text;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    const text = single(value, field, this.refuse);
    if (!(allowed as readonly string[]).includes(text))
      throw this.refuse(field, `one of ${allowed.join(', ')}`);
    return text as T;
  }

  integer(field: string, range: IntegerRange<number>): number | undefined {
    const value = this.present(field);
    return value === undefined ? undefined : parseInteger(value, field, range, this.refuse);
  }

  bigInteger(field: string, range: IntegerRange<bigint>): bigint | undefined {
    const value = this.present(field);
    return value === undefined ? undefined : parseBigInteger(value, field, range, this.refuse);
  }

  date(field: string): Date | undefined {
    const value = this.present(field);
    return value === undefined ? undefined : parseDate(value, field, this.refuse);
  }
}

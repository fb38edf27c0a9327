/**
 * The query-parameter parsers: every value is either parsed into its range or
 * refused with the endpoint's code and the field named — never coerced, never
 * overflowing into a 500, never rolling an impossible date over.
 */
import fc from 'fast-check';
import { DomainError } from '@liaison/errors';
import {
  PG_BIGINT_MAX,
  QueryParams,
  parseBigInteger,
  parseDate,
  parseInteger,
  refusalWith,
} from './query-params';

const refuse = refusalWith('test.bad-query');

function refusal(run: () => unknown): { code: string; field: unknown } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, field: error.details?.field };
  }
}

const REFUSED = { code: 'test.bad-query', field: 'x' };

describe('parseBigInteger / parseInteger', () => {
  const cursor = { min: 0n, max: PG_BIGINT_MAX };

  it.each([
    ['0', 0n],
    ['42', 42n],
    ['007', 7n],
    ['9223372036854775807', PG_BIGINT_MAX],
  ])('%s → %s', (text, value) => {
    expect(parseBigInteger(text, 'x', cursor, refuse)).toBe(value);
  });

  it.each([
    ['9223372036854775808'], // one past bigint: was a 500 (bigint overflow) in the feed
    ['9999999999999999999'],
    ['9'.repeat(40)],
    ['-1'],
    ['+1'],
    ['1e3'],
    ['0x10'],
    ['1.0'],
    [' 1'],
    ['1 '],
    [''],
    ['١٢'], // Arabic-Indic digits
    ['1;DROP TABLE feed_entry'],
  ])('%j → refused', (text) => {
    expect(refusal(() => parseBigInteger(text, 'x', cursor, refuse))).toEqual(REFUSED);
  });

  it.each([[['1', '2']], [{ a: '1' }], [1], [null]])(
    'a value not given once as text (%j) → refused',
    (raw) => {
      expect(refusal(() => parseBigInteger(raw, 'x', cursor, refuse))).toEqual(REFUSED);
    },
  );

  it('a negative range admits a sign, and only then', () => {
    expect(parseInteger('-5', 'x', { min: -10, max: 10 }, refuse)).toBe(-5);
    expect(refusal(() => parseInteger('-11', 'x', { min: -10, max: 10 }, refuse))).toEqual(REFUSED);
  });

  it('refuses unsafe bounds at the call site, not at run time for a caller', () => {
    expect(() => parseInteger('1', 'x', { min: 0, max: 2 ** 60 }, refuse)).toThrow(/safe integers/);
  });

  it('property: any bigint in range round-trips; any out of range is refused', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (n) => {
        const got = refusal(() => parseBigInteger(n.toString(), 'x', cursor, refuse));
        if (n >= 0n && n <= PG_BIGINT_MAX) {
          expect(parseBigInteger(n.toString(), 'x', cursor, refuse)).toBe(n);
        } else {
          expect(got).toEqual(REFUSED);
        }
      }),
      { seed: 18, numRuns: 2000 },
    );
  });

  it('property: any text is parsed into range or refused with the code — nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-+]?\d{0,25}(e\d)?$/)), (text) => {
        const range = { min: 1, max: 1000 };
        let value: number | undefined;
        const got = refusal(() => (value = parseInteger(text, 'x', range, refuse)));
        if (got === 'accepted') {
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(1);
          expect(value).toBeLessThanOrEqual(1000);
          expect(/^\d+$/.test(text)).toBe(true);
        } else {
          expect(got).toEqual(REFUSED);
        }
      }),
      { seed: 18, numRuns: 2000 },
    );
  });
});

describe('parseDate', () => {
  it.each([
    ['2026-02-28', '2026-02-28T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['2026-02-28T10:00', '2026-02-28T10:00:00.000Z'],
    ['2026-02-28T10:00Z', '2026-02-28T10:00:00.000Z'],
    ['2026-02-28T10:00:30.5Z', '2026-02-28T10:00:30.500Z'],
    ['2026-02-28T10:00:00+01:00', '2026-02-28T09:00:00.000Z'],
    ['2026-02-28T23:30:00-01:00', '2026-03-01T00:30:00.000Z'],
    ['2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text, 'x', refuse).toISOString()).toBe(iso);
  });

  it.each([
    ['2026-02-30'], // was read as 2 March
    ['2026-02-29'],
    ['1900-02-29'],
    ['2026-04-31'],
    ['2026-13-01'],
    ['2026-00-10'],
    ['2026-01-00'],
    ['2026-02-28T24:00Z'],
    ['2026-02-28T23:60Z'],
    ['2026-02-28T23:59:60Z'],
    ['2026-02-28T10:00+24:00'],
    ['2026-02-28T10:00+01:60'],
    ['1969-12-31'],
    ['26-02-28'],
    ['2026-2-8'],
    ['yesterday'],
    ['1767225600'],
    ['2026-02-28 10:00'],
    ['2026-02-28T10:00:00.1234567890Z'],
    [''],
  ])('%j → refused', (text) => {
    expect(refusal(() => parseDate(text, 'x', refuse))).toEqual(REFUSED);
  });

  const daysIn = (year: number, month: number): number =>
    month === 2
      ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
        ? 29
        : 28
      : [4, 6, 9, 11].includes(month)
        ? 30
        : 31;
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

  it('property: a calendar date is accepted exactly when the day exists in its month', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1970, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          const real = month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
          const got = refusal(() => parseDate(text, 'x', refuse));
          if (real) {
            expect(parseDate(text, 'x', refuse).toISOString().slice(0, 10)).toBe(text);
          } else {
            expect(got).toEqual(REFUSED);
          }
        },
      ),
      { seed: 18, numRuns: 3000 },
    );
  });

  it('property: any instant written as ISO 8601 reads back as the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          expect(parseDate(date.toISOString(), 'x', refuse).getTime()).toBe(date.getTime());
        },
      ),
      { seed: 18, numRuns: 2000 },
    );
  });
});

describe('QueryParams', () => {
  const q = (query: Record<string, unknown>): QueryParams => new QueryParams(query, refuse);

  it('reads absent or empty values as absent', () => {
    expect(q({}).integer('x', { min: 1, max: 5 })).toBeUndefined();
    expect(q({ x: '' }).date('x')).toBeUndefined();
    expect(q({ x: '' }).bigInteger('x', { min: 0n, max: 5n })).toBeUndefined();
  });

  it('refuses unknown parameters where asked, naming them', () => {
    expect(refusal(() => q({ x: '1', y: '2' }).onlyKnown(['x']))).toEqual({
      code: 'test.bad-query',
      field: 'y',
    });
  });

  it('does not read a parameter from the prototype', () => {
    const query = Object.create({ x: '3' }) as Record<string, unknown>;
    expect(q(query).integer('x', { min: 1, max: 5 })).toBeUndefined();
  });

  it('refuses an enum value outside its list and a value given twice', () => {
    expect(refusal(() => q({ x: 'sideways' }).oneOf('x', ['sent', 'received'] as const))).toEqual(
      REFUSED,
    );
    expect(refusal(() => q({ x: ['1', '2'] }).integer('x', { min: 1, max: 5 }))).toEqual(REFUSED);
    expect(q({ x: 'sent' }).oneOf('x', ['sent', 'received'] as const)).toBe('sent');
  });

  it('per-field codes keep each endpoint family its own vocabulary', () => {
    const feed = refusalWith((field) => (field === 'limit' ? 'feed.bad-limit' : 'feed.bad-cursor'));
    expect(
      refusal(() => new QueryParams({ limit: '0' }, feed).integer('limit', { min: 1, max: 9 })),
    ).toEqual({ code: 'feed.bad-limit', field: 'limit' });
  });
});

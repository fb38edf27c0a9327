/**
 * Properties of canonicalisation: canonical values are fixed points, written
 * variants of one identifier meet, and different identifiers never collide. The
 * plain references below restate document and plate folding character by character.
 */
import fc from 'fast-check';
import {
  canonicalDocument,
  canonicalIban,
  canonicalPhone,
  canonicalPlate,
  type Canonical,
} from './index';

const value = (c: Canonical): string | undefined => (c.ok ? c.value : undefined);
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Romanian mobiles (072-077), Dutch mobiles (061-065), German mobiles (0160, 017x). */
const nationalMobiles = fc.oneof(
  fc
    .tuple(fc.constant('RO' as const), fc.integer({ min: 2, max: 7 }), digits(7))
    .map(([r, a, rest]) => ({ region: r, national: `07${a}${rest}`, cc: '40' })),
  fc
    .tuple(fc.constant('NL' as const), fc.integer({ min: 1, max: 5 }), digits(7))
    .map(([r, a, rest]) => ({
      region: r,
      national: `06${a}${rest}`,
      cc: '31',
    })),
  fc
    .tuple(fc.constant('DE' as const), fc.constantFrom('160', '170', '171', '176'), digits(7))
    .map(([r, p, rest]) => ({ region: r, national: `0${p}${rest}`, cc: '49' })),
);

function grouped(s: string, sep: string, size: number): string {
  return s.match(new RegExp(`.{1,${size}}`, 'g'))?.join(sep) ?? s;
}

describe('phone canonicalisation', () => {
  it('every written variant of a mobile number meets in one E.164 value', () => {
    fc.assert(
      fc.property(
        nationalMobiles,
        fc.constantFrom(' ', '-', '.', ''),
        fc.integer({ min: 2, max: 4 }),
        (m, sep, size) => {
          const subscriber = m.national.slice(1);
          const variants = [
            m.national,
            grouped(m.national, sep, size),
            `+${m.cc} ${grouped(subscriber, sep, size)}`,
            `00${m.cc}${subscriber}`,
            `+${m.cc} (0)${subscriber}`,
          ];
          const values = variants.map((v) => value(canonicalPhone(v, m.region)));
          expect(values[0]).toBe(`+${m.cc}${subscriber}`);
          expect(new Set(values).size).toBe(1);
        },
      ),
    );
  });

  it('is idempotent: an E.164 value is its own canonical form, in any region', () => {
    fc.assert(
      fc.property(nationalMobiles, fc.constantFrom('RO', 'NL', 'TH', 'GB'), (m, region) => {
        const e164 = value(canonicalPhone(m.national, m.region));
        expect(e164).toBeDefined();
        expect(value(canonicalPhone(e164 as string, region))).toBe(e164);
      }),
    );
  });

  it('two different numbers never collide', () => {
    fc.assert(
      fc.property(nationalMobiles, nationalMobiles, (a, b) => {
        fc.pre(a.cc !== b.cc || a.national !== b.national);
        const va = value(canonicalPhone(a.national, a.region));
        const vb = value(canonicalPhone(b.national, b.region));
        expect(va).toBeDefined();
        expect(va).not.toBe(vb);
      }),
    );
  });
});

/** Reference: keep letters and digits, upper-cased; drop everything else that is a separator. */
function referenceFold(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKC')) {
    if (/[a-z0-9]/i.test(ch)) out += ch.toUpperCase();
  }
  return out;
}

const alnum = fc.stringMatching(/^[A-Z0-9]{6,12}$/);
const sep = fc.constantFrom(' ', '-', '.', '/', '  ');
const countries = fc.constantFrom('RO', 'DE', 'NL', 'FR', 'CZ', 'TH', 'PH', 'GB', 'BG', 'IT');

function scattered(text: string, separators: readonly string[], lower: boolean): string {
  let out = '';
  [...text].forEach((ch, i) => {
    out +=
      (lower && i % 2 === 0 ? ch.toLowerCase() : ch) + (separators[i % separators.length] ?? '');
  });
  return out;
}

describe('document and plate canonicalisation', () => {
  it('folds separators and case like the plain reference, and is idempotent', () => {
    fc.assert(
      fc.property(
        alnum,
        fc.array(fc.oneof(sep, fc.constant('')), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        countries,
        (id, seps, lower, country) => {
          fc.pre(/[0-9]/.test(id));
          const written = scattered(id, seps, lower);
          const doc = value(canonicalDocument(written, country));
          expect(doc).toBe(`${country}:${referenceFold(written)}`);
          expect(value(canonicalDocument(referenceFold(written), country))).toBe(doc);
          const plate = value(canonicalPlate(written, country));
          expect(plate).toBe(`${country}:${referenceFold(written)}`);
          expect(value(canonicalPlate(id, country))).toBe(plate);
        },
      ),
    );
  });

  it('different numbers or different countries never collide', () => {
    fc.assert(
      fc.property(alnum, alnum, countries, countries, (a, b, ca, cb) => {
        fc.pre((a !== b || ca !== cb) && /[0-9]/.test(a) && /[0-9]/.test(b));
        expect(value(canonicalDocument(a, ca))).not.toBe(value(canonicalDocument(b, cb)));
        expect(value(canonicalPlate(a, ca))).not.toBe(value(canonicalPlate(b, cb)));
      }),
    );
  });

  it('one character changed is another document', () => {
    fc.assert(
      fc.property(
        alnum,
        fc.nat(),
        fc.constantFrom(...'0123456789ABCXYZ'),
        countries,
        (id, at, ch, country) => {
          const i = at % id.length;
          fc.pre(id[i] !== ch && /[0-9]/.test(id));
          const other = id.slice(0, i) + ch + id.slice(i + 1);
          fc.pre(/[0-9]/.test(other));
          expect(value(canonicalDocument(other, country))).not.toBe(
            value(canonicalDocument(id, country)),
          );
        },
      ),
    );
  });
});

describe('IBAN canonicalisation', () => {
  it('a single changed digit never validates into another account (mod-97)', () => {
    const iban = 'DE89370400440532013000';
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: iban.length - 1 }),
        fc.integer({ min: 1, max: 9 }),
        (i, delta) => {
          const digit = (Number(iban[i]) + delta) % 10;
          const changed = iban.slice(0, i) + String(digit) + iban.slice(i + 1);
          expect(canonicalIban(changed)).toEqual({ ok: false, reason: 'invalid-iban' });
        },
      ),
    );
  });
});

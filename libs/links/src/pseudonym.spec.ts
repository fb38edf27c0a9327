import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { encodeBase64Url } from '@liaison/crypto';
import { pseudonymOf, pseudonymsOf, SELECTOR_KINDS, type LinkKey } from './index';

const key = (epoch: number, fill: number): LinkKey => ({
  epoch,
  secret: new Uint8Array(32).fill(fill),
});

describe('pseudonymOf', () => {
  it('is HMAC-SHA-256 of the value under the kind subkey of the epoch secret', () => {
    const k = key(3, 7);
    const subkey = createHmac('sha256', k.secret)
      .update('liaison/link-pseudonym/v1/PHONE')
      .digest();
    const expected = encodeBase64Url(createHmac('sha256', subkey).update('+40721555014').digest());
    expect(pseudonymOf(k, { kind: 'PHONE', value: '+40721555014' })).toEqual({
      epoch: 3,
      kind: 'PHONE',
      pseudonym: expected,
    });
    expect(expected).toHaveLength(43);
  });

  it('is deterministic per key and value', () => {
    const selector = { kind: 'DOCUMENT' as const, value: 'CZ:44718203' };
    expect(pseudonymOf(key(1, 1), selector)).toEqual(pseudonymOf(key(1, 1), selector));
  });

  it('separates kinds, epochs and keys', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.constantFrom(...SELECTOR_KINDS),
        fc.constantFrom(...SELECTOR_KINDS),
        (value, a, b) => {
          fc.pre(a !== b);
          const k = key(1, 9);
          expect(pseudonymOf(k, { kind: a, value }).pseudonym).not.toBe(
            pseudonymOf(k, { kind: b, value }).pseudonym,
          );
          expect(pseudonymOf(key(2, 9), { kind: a, value }).pseudonym).not.toBe(
            pseudonymOf(key(2, 8), { kind: a, value }).pseudonym,
          );
        },
      ),
    );
  });

  it('different values of one kind never share a pseudonym', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        const k = key(1, 42);
        expect(pseudonymOf(k, { kind: 'PHONE', value: a }).pseudonym).not.toBe(
          pseudonymOf(k, { kind: 'PHONE', value: b }).pseudonym,
        );
      }),
    );
  });

  it('pseudonymsOf gives every selector under every key', () => {
    const selectors = [
      { kind: 'PHONE' as const, value: '+40721555014' },
      { kind: 'PLATE' as const, value: 'RO:B123ABC' },
    ];
    const out = pseudonymsOf([key(2, 1), key(1, 2)], selectors);
    expect(out.map((p) => `${p.epoch} ${p.kind}`)).toEqual([
      '2 PHONE',
      '2 PLATE',
      '1 PHONE',
      '1 PLATE',
    ]);
    expect(out[0]).toEqual(pseudonymOf(key(2, 1), selectors[0]!));
  });
});

import fc from 'fast-check';
import { decodeBase64UrlStrict, encodeBase64Url } from './base64url';

/** The definition: the text is the one canonical encoding of the bytes it decodes to. */
function byDefinition(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('decodeBase64UrlStrict', () => {
  it('decodes every encoding of bytes back to them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(decodeBase64UrlStrict(encodeBase64Url(bytes))).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('agrees with the re-encoding definition on any text over the alphabet and beyond', () => {
    const char = fc.oneof(
      fc.constantFrom(...ALPHABET.split('')),
      fc.constantFrom('=', '+', '/', ' ', '.', '~', 'é'),
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }), (chars) => {
        const text = chars.join('');
        expect(decodeBase64UrlStrict(text)).toEqual(byDefinition(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses set trailing bits, padding and a dangling character', () => {
    expect(decodeBase64UrlStrict('QQ')).toEqual(Buffer.from('A'));
    expect(decodeBase64UrlStrict('QR')).toBeUndefined(); // 4 unused bits not zero
    expect(decodeBase64UrlStrict('QUI')).toEqual(Buffer.from('AB'));
    expect(decodeBase64UrlStrict('QUJ')).toBeUndefined(); // 2 unused bits not zero
    expect(decodeBase64UrlStrict('QQ==')).toBeUndefined();
    expect(decodeBase64UrlStrict('QUJDR')).toBeUndefined();
    // Every last character with a set unused bit, at both lengths.
    for (const c of ALPHABET) {
      const value = ALPHABET.indexOf(c);
      expect(decodeBase64UrlStrict(`Q${c}`) !== undefined).toBe((value & 0x0f) === 0);
      expect(decodeBase64UrlStrict(`QU${c}`) !== undefined).toBe((value & 0x03) === 0);
    }
  });
});

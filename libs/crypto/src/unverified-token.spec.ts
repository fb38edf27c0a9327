import fc from 'fast-check';
import { peekUnverifiedToken } from './unverified-token';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('peekUnverifiedToken', () => {
  it('reads kid, issuer and message id of a compact JWS and of an SD-JWT', () => {
    const jws = `${b64({ alg: 'EdDSA', kid: 'k1' })}.${b64({ iss: 'nl-knp', messageId: 'm-1' })}.sig`;
    expect(peekUnverifiedToken(jws)).toEqual({ kid: 'k1', issuer: 'nl-knp', messageId: 'm-1' });
    expect(peekUnverifiedToken(`${jws}~WyJhIiwiYiJd~`)).toEqual({
      kid: 'k1',
      issuer: 'nl-knp',
      messageId: 'm-1',
    });
    expect(peekUnverifiedToken(`${b64({ kid: 'k' })}.${b64({ jti: 'j' })}.`).messageId).toBe('j');
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['no dots', 'abc'],
    ['garbage base64', '!!!.???.x'],
    ['array header', `${b64([1])}.${b64([2])}.x`],
    ['inherited names only', `${b64({ __proto__: { kid: 'x' } })}.${b64({ constructor: 'x' })}.s`],
    ['numbers where strings belong', `${b64({ kid: 7 })}.${b64({ iss: 1, messageId: {} })}.s`],
    ['huge header', `${'a'.repeat(5000)}.${b64({ iss: 'x' })}.s`],
  ])('yields nothing usable, never throws: %s', (_name, input) => {
    const peeked = peekUnverifiedToken(input);
    expect(peeked.kid).toBeNull();
    expect(typeof peeked.issuer === 'string' && peeked.issuer !== 'x').toBe(false);
  });

  it('property: never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        peekUnverifiedToken(s);
        peekUnverifiedToken(`${s}.${s}.${s}~${s}`);
        return true;
      }),
      { seed: 18, numRuns: 500 },
    );
  });
});

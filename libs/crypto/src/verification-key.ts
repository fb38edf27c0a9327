/**
 * Verification keys from a bare JWK (the hub's own key, as recipients and
 * oversight hold it), imported once per JWK object.
 */
import { importPublicJwk, jwkThumbprint, type PublicJwk, type SignatureAlg } from './jwk';
import { type VerificationKey } from './key-directory';

const importedByJwk = new WeakMap<PublicJwk, VerificationKey>();

export function verificationKeyFromJwk(
  jwk: PublicJwk,
  alg: SignatureAlg,
  owner = 'hub',
): VerificationKey {
  const cached = importedByJwk.get(jwk);
  if (cached !== undefined && cached.alg === alg) return cached;
  const key: VerificationKey = {
    agencyId: owner,
    kid: typeof jwk.kid === 'string' ? jwk.kid : jwkThumbprint(jwk),
    alg,
    use: 'sig',
    keyObject: importPublicJwk(jwk, alg),
  };
  importedByJwk.set(jwk, key);
  return key;
}

export function isVerificationKey(value: PublicJwk | VerificationKey): value is VerificationKey {
  return 'keyObject' in value;
}

/**
 * JSON Web Keys for agencies and the hub: the algorithms Liaison accepts, strict
 * import of public keys (the registered algorithm decides the key type, never
 * the key or a token header), RFC 7638 thumbprints as kids, key generation and
 * JWKS rendering. Keys are imported into node:crypto KeyObjects, which callers
 * cache (see KeyDirectory) because import costs more than a hash.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { cryptoError } from './crypto-error';

/** Signature algorithms an agency or the hub may sign with. */
export type SignatureAlg = 'EdDSA' | 'ES256';
/** Key-agreement algorithm for presentations encrypted to a recipient. */
export type EncryptionAlg = 'ECDH-ES+A256KW';
export type KeyAlg = SignatureAlg | EncryptionAlg;
export type KeyUse = 'sig' | 'enc';

export const SIGNATURE_ALGS: readonly SignatureAlg[] = ['EdDSA', 'ES256'];

/** Public JWK as registered (OKP Ed25519/X25519 or EC P-256). */
export interface PublicJwk {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly key_ops?: readonly string[];
  readonly [member: string]: unknown;
}

/** Private JWK (public members plus `d`). */
export interface PrivateJwk extends PublicJwk {
  readonly d: string;
}

export interface Jwks {
  readonly keys: readonly PublicJwk[];
}

/** `kid` values are path- and SQL-inert by construction. */
export const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function assertWellFormedKid(kid: unknown): asserts kid is string {
  // Two dots in a row never occur in a thumbprint and are how traversal starts.
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid) || kid.includes('..')) {
    throw cryptoError('key.bad-kid', 'kid must match ^[A-Za-z0-9._-]{1,64}$', 'invalid-input');
  }
}

export function isSignatureAlg(alg: unknown): alg is SignatureAlg {
  return alg === 'EdDSA' || alg === 'ES256';
}

function keyShapeFits(jwk: PublicJwk, alg: KeyAlg): boolean {
  switch (alg) {
    case 'EdDSA':
      return jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.y === undefined;
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'ECDH-ES+A256KW':
      return (
        (jwk.kty === 'EC' && jwk.crv === 'P-256') ||
        (jwk.kty === 'OKP' && jwk.crv === 'X25519' && jwk.y === undefined)
      );
  }
}

function invalidJwk(reason: string): Error {
  return cryptoError('key.invalid-jwk', `key refused: ${reason}`, 'invalid-input', { reason });
}

/** The use an algorithm implies; a key registered for one never serves the other. */
export function useOf(alg: KeyAlg): KeyUse {
  return alg === 'ECDH-ES+A256KW' ? 'enc' : 'sig';
}

/**
 * Checks a public JWK against the algorithm it is registered for and imports it.
 * Refuses private material, key/alg/curve disagreement, a `use` or `key_ops`
 * that contradicts the registration, and points not on the curve.
 */
export function importPublicJwk(jwk: PublicJwk, alg: KeyAlg): KeyObject {
  if (typeof jwk !== 'object' || jwk === null) throw invalidJwk('not an object');
  if ('d' in jwk) throw invalidJwk('private key material in a public key');
  if (!keyShapeFits(jwk, alg)) throw invalidJwk(`kty/crv do not fit ${alg}`);
  if (jwk.alg !== undefined && jwk.alg !== alg)
    throw invalidJwk('jwk alg differs from registration');
  const use = useOf(alg);
  if (jwk.use !== undefined && jwk.use !== use) throw invalidJwk(`jwk use is not ${use}`);
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops;
    if (use === 'sig' ? !ops.includes('verify') : ops.includes('verify') || ops.includes('sign')) {
      throw invalidJwk('key_ops contradict the registered use');
    }
  }
  const members: Record<string, unknown> = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  if (jwk.kty === 'EC') members.y = jwk.y;
  try {
    return createPublicKey({ key: members as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    throw invalidJwk('not a valid point for its curve');
  }
}

/** Imports a private JWK for signing under `alg`. */
export function importPrivateJwk(jwk: PrivateJwk, alg: KeyAlg): KeyObject {
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.d !== 'string') {
    throw invalidJwk('not a private key');
  }
  if (!keyShapeFits(jwk, alg)) throw invalidJwk(`kty/crv do not fit ${alg}`);
  const members: Record<string, unknown> = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d };
  if (jwk.kty === 'EC') members.y = jwk.y;
  try {
    return createPrivateKey({ key: members as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    throw invalidJwk('private key does not import');
  }
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url): the kid Liaison assigns. */
export function jwkThumbprint(jwk: PublicJwk): string {
  const required =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  // Members in lexicographic order, no whitespace: exactly as the RFC requires.
  return createHash('sha256').update(JSON.stringify(required)).digest('base64url');
}

export interface GeneratedAgencyKeys {
  readonly kid: string;
  readonly alg: KeyAlg;
  readonly privateJwk: PrivateJwk;
  readonly publicJwk: PublicJwk;
}

/** Generates a key pair for `alg`; kid = RFC 7638 thumbprint of the public key. */
export function generateAgencyKeys(alg: KeyAlg): GeneratedAgencyKeys {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = pair.publicKey.export({ format: 'jwk' }) as PublicJwk;
  const priv = pair.privateKey.export({ format: 'jwk' }) as PrivateJwk;
  const kid = jwkThumbprint(pub);
  const use = useOf(alg);
  return {
    kid,
    alg,
    publicJwk: { ...pub, kid, alg, use },
    privateJwk: { ...priv, kid, alg, use },
  };
}

/** Public members only, with kid/alg/use: what a JWKS publishes. */
export function publicPartOf(jwk: PublicJwk, kid: string, alg: KeyAlg): PublicJwk {
  const base =
    jwk.kty === 'EC'
      ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
      : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  return { ...base, kid, alg, use: useOf(alg) };
}

/**
 * Wycheproof (C2SP, ../shared/vectors/wycheproof) through the hub's own JWS path:
 * each group's key is "registered" the way the hub registers an agency key
 * (alg from the key's `alg`, else from `use`/curve; importPublicJwk refuses what
 * does not fit), the directory resolves the key by the token's `kid`, and
 * verifyCompactJws checks the token. A case is "accepted" if that returns,
 * "rejected" if registration or verification throws a DomainError.
 *
 * Which groups apply: Liaison accepts ES256 (EC P-256) and EdDSA (OKP Ed25519).
 * - json_web_signature_test.json: groups whose key is EC P-256 apply (es256,
 *   SpecialCaseEs256, ec_key_for_encryption x2). There is no EdDSA group in this
 *   file. HS*, RS*, PS* and ES512 (P-521) groups test algorithms the hub does not
 *   accept: their `valid` cases are not applicable, and the test still runs every
 *   one of them and asserts it is REFUSED (nothing slips through by accident).
 * - json_web_key_test.json: groups with an EC/OKP key or an ES256/EdDSA alg apply
 *   (mixed symmetric/EC keyset, wrong/invalid alg on a P-256 key, invalid use,
 *   point not on the curve, wrong curve, wrong kty). Pure HS*, RSA and AES groups
 *   are not applicable and are likewise asserted refused.
 * - ed25519_test.json: raw Ed25519 (RFC 8032) cases through verifySignatureBytes,
 *   the primitive verifyCompactJws calls for EdDSA (a JWS cannot carry an
 *   arbitrary message, so these run one layer down).
 * No case in these files is marked `acceptable`; the test asserts that, so a
 * future vector update with one would be looked at, not silently passed.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDomainError } from '@liaison/errors';
import { verifyCompactJws, verifySignatureBytes } from './compact-jws';
import { importPublicJwk, type KeyAlg, type PublicJwk } from './jwk';
import { KeyDirectory, type AgencyKey } from './key-directory';
import { sharedVectors } from '../../../test/support/shared-vectors';

const VECTORS = sharedVectors('wycheproof');

interface JwsCase {
  tcId: number;
  comment: string;
  jws: unknown;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface JwsGroup {
  comment: string;
  public?: PublicJwk | { keys: PublicJwk[] };
  private?: unknown;
  tests: JwsCase[];
}

function load(name: string): { testGroups: JwsGroup[] } {
  return JSON.parse(readFileSync(resolve(VECTORS, name), 'utf8')) as { testGroups: JwsGroup[] };
}

/** The group's public key(s); a keyset given only as `private` is registered by its public members. */
function keysOf(group: JwsGroup): PublicJwk[] {
  const set = group.public ?? (group.private as JwsGroup['public']);
  if (set === undefined) return [];
  const keys: PublicJwk[] = 'keys' in set ? (set.keys as PublicJwk[]) : [set];
  return keys.map((k) =>
    k.kty === 'oct'
      ? k
      : (Object.fromEntries(Object.entries(k).filter(([m]) => m !== 'd')) as PublicJwk),
  );
}

/** The algorithm the hub would register a key under, if any. */
function registrationAlg(jwk: PublicJwk): KeyAlg | undefined {
  if (jwk.alg !== undefined) {
    return jwk.alg === 'EdDSA' || jwk.alg === 'ES256' || jwk.alg === 'ECDH-ES+A256KW'
      ? jwk.alg
      : undefined;
  }
  if (jwk.use === 'enc') return 'ECDH-ES+A256KW';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

/** Registers what can be registered (per key, as the hub does); refused keys are left out. */
function directoryFor(group: JwsGroup): KeyDirectory {
  const records: AgencyKey[] = [];
  for (const jwk of keysOf(group)) {
    const alg = registrationAlg(jwk);
    if (alg === undefined || typeof jwk.kid !== 'string') continue;
    try {
      importPublicJwk(jwk, alg);
    } catch (error) {
      if (isDomainError(error)) continue;
      throw error;
    }
    records.push({
      agencyId: 'wycheproof',
      kid: jwk.kid,
      use: alg === 'ECDH-ES+A256KW' ? 'enc' : 'sig',
      alg,
      publicJwk: { ...jwk, kid: undefined },
      notBefore: 0,
      status: 'active',
    });
  }
  return new KeyDirectory(records);
}

/** The hub path: registration, then directory lookup by kid, then verifyCompactJws. */
function accepts(group: JwsGroup, jws: unknown): boolean {
  try {
    const directory = directoryFor(group);
    verifyCompactJws(
      jws as string,
      (header) => directory.resolveSignatureKey('wycheproof', header.kid, 0, 'jws'),
      'jws',
    );
    return true;
  } catch (error) {
    if (isDomainError(error)) return false;
    throw error; // anything else is a bug in the verifier, not a rejection
  }
}

function applies(group: JwsGroup): boolean {
  return keysOf(group).some(
    (k) =>
      (k.kty === 'EC' && k.crv === 'P-256') ||
      (k.kty === 'OKP' && k.crv === 'Ed25519') ||
      k.alg === 'ES256' ||
      k.alg === 'EdDSA',
  );
}

interface Tally {
  validAccepted: number;
  validRejected: number;
  invalidAccepted: number;
  invalidRejected: number;
  acceptable: number;
  notApplicableRefused: number;
  notApplicableAccepted: number;
}

function run(file: string): { tally: Tally; failures: string[] } {
  const tally: Tally = {
    validAccepted: 0,
    validRejected: 0,
    invalidAccepted: 0,
    invalidRejected: 0,
    acceptable: 0,
    notApplicableRefused: 0,
    notApplicableAccepted: 0,
  };
  const failures: string[] = [];
  for (const group of load(file).testGroups) {
    const applicable = applies(group);
    for (const c of group.tests) {
      const ok = accepts(group, c.jws);
      if (!applicable) {
        if (ok) {
          tally.notApplicableAccepted++;
          failures.push(`${file} tc${c.tcId} (${group.comment}, not applicable) was accepted`);
        } else tally.notApplicableRefused++;
        continue;
      }
      if (c.result === 'acceptable') {
        tally.acceptable++;
      } else if (c.result === 'valid') {
        if (ok) tally.validAccepted++;
        else {
          tally.validRejected++;
          failures.push(`${file} tc${c.tcId} (${group.comment}: ${c.comment}) valid but rejected`);
        }
      } else if (ok) {
        tally.invalidAccepted++;
        failures.push(`${file} tc${c.tcId} (${group.comment}: ${c.comment}) invalid but accepted`);
      } else tally.invalidRejected++;
    }
  }
  return { tally, failures };
}

describe('Wycheproof through the hub JWS path', () => {
  it('json_web_signature_test.json: every applicable valid accepted, every invalid rejected', () => {
    const { tally, failures } = run('json_web_signature_test.json');
    console.log(`wycheproof JWS: ${JSON.stringify(tally)}`);
    expect(failures).toEqual([]);
    expect(tally.validAccepted).toBeGreaterThanOrEqual(2);
    expect(tally.invalidRejected).toBeGreaterThanOrEqual(35);
    expect(tally.acceptable).toBe(0);
    expect(tally.notApplicableRefused).toBeGreaterThan(0);
  });

  it('json_web_key_test.json: every applicable case rejected or accepted as marked', () => {
    const { tally, failures } = run('json_web_key_test.json');
    console.log(`wycheproof JWK: ${JSON.stringify(tally)}`);
    expect(failures).toEqual([]);
    expect(tally.invalidRejected).toBeGreaterThanOrEqual(7);
    expect(tally.acceptable).toBe(0);
  });

  it('ed25519_test.json: the EdDSA primitive accepts every valid and rejects every invalid signature', () => {
    interface EdCase {
      tcId: number;
      msg: string;
      sig: string;
      result: string;
    }
    const file = JSON.parse(readFileSync(resolve(VECTORS, 'ed25519_test.json'), 'utf8')) as {
      testGroups: { publicKeyJwk: PublicJwk; tests: EdCase[] }[];
    };
    const tally = { validAccepted: 0, invalidRejected: 0, acceptable: 0 };
    const failures: number[] = [];
    for (const group of file.testGroups) {
      const key = createPublicKey({
        key: { ...group.publicKeyJwk, kid: undefined } as import('node:crypto').JsonWebKey,
        format: 'jwk',
      });
      for (const c of group.tests) {
        const ok = verifySignatureBytes(
          'EdDSA',
          key,
          Buffer.from(c.msg, 'hex'),
          Buffer.from(c.sig, 'hex'),
        );
        if (c.result === 'acceptable') tally.acceptable++;
        else if (ok === (c.result === 'valid')) {
          if (ok) tally.validAccepted++;
          else tally.invalidRejected++;
        } else failures.push(c.tcId);
      }
    }
    console.log(`wycheproof Ed25519: ${JSON.stringify(tally)}`);
    expect(failures).toEqual([]);
    expect(tally.validAccepted).toBeGreaterThan(50);
    expect(tally.invalidRejected).toBeGreaterThan(30);
  });
});

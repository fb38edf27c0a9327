/**
 * The hub's directory of agency keys as a pure value: records in, verification
 * keys out. KeyObjects are imported once per (agencyId, kid) and cached.
 *
 * Rules (docs/security/signatures.md, "Key directory"):
 * - the algorithm comes from the registered key, never from a token header;
 * - a key registered for `enc` never verifies a signature;
 * - a key verifies a token only if the token's `iat` lies in [notBefore, notAfter);
 * - `retired` keys keep verifying what they signed while active (iat < notAfter);
 * - `revoked` keys verify NOTHING from the moment of revocation. `iat` is chosen
 *   by whoever holds the key, so "signed before revocation" cannot be told apart
 *   from "back-dated by the thief"; content signed earlier must be re-published.
 * - embedded `jwk`/`jku`/`x5u`/`x5c` headers are never consulted.
 */
import { type KeyObject } from 'node:crypto';
import { cryptoError, jwsRefused, type VerificationScope } from './crypto-error';
import {
  assertWellFormedKid,
  importPublicJwk,
  publicPartOf,
  useOf,
  type Jwks,
  type KeyAlg,
  type KeyUse,
  type PublicJwk,
} from './jwk';

export type KeyStatus = 'active' | 'retired' | 'revoked';

/** One registered key as the directory stores it (times in epoch seconds). */
export interface AgencyKey {
  readonly agencyId: string;
  readonly kid: string;
  readonly use: KeyUse;
  readonly alg: KeyAlg;
  readonly publicJwk: PublicJwk;
  readonly notBefore: number;
  readonly notAfter?: number;
  readonly status: KeyStatus;
  readonly revokedAt?: number;
}

/** A key ready to verify with: the registered algorithm and the imported KeyObject. */
export interface VerificationKey {
  readonly agencyId: string;
  readonly kid: string;
  readonly alg: KeyAlg;
  readonly use: KeyUse;
  readonly keyObject: KeyObject;
}

/** What every verifier needs: a key for (issuer, kid) valid at `iat`, or a refusal. */
export interface SignatureKeyResolver {
  resolveSignatureKey(
    agencyId: string,
    kid: unknown,
    iatSec: number,
    scope: VerificationScope,
  ): VerificationKey;
}

function recordKey(agencyId: string, kid: string): string {
  // Neither part can contain a NUL; kids are already restricted to [A-Za-z0-9._-].
  return `${agencyId}\u0000${kid}`;
}

function checkRecord(record: AgencyKey): void {
  assertWellFormedKid(record.kid);
  const invalid = (reason: string): Error =>
    cryptoError('key.invalid-record', `key ${record.kid}: ${reason}`, 'invalid-input', {
      agencyId: record.agencyId,
      kid: record.kid,
      reason,
    });
  if (typeof record.agencyId !== 'string' || record.agencyId.length === 0) {
    throw invalid('agencyId missing');
  }
  if (record.use !== useOf(record.alg))
    throw invalid(`use ${record.use} does not fit ${record.alg}`);
  if (record.publicJwk.kid !== undefined && record.publicJwk.kid !== record.kid) {
    throw invalid('jwk kid differs from the registered kid');
  }
  if (!Number.isFinite(record.notBefore)) throw invalid('notBefore missing');
  if (record.notAfter !== undefined && !(record.notAfter > record.notBefore)) {
    throw invalid('notAfter must be after notBefore');
  }
  if (record.status === 'retired' && record.notAfter === undefined) {
    throw invalid('a retired key needs notAfter (when it stopped signing)');
  }
}

export class KeyDirectory implements SignatureKeyResolver {
  private readonly records = new Map<string, AgencyKey>();
  private readonly imported = new Map<string, VerificationKey>();

  /** Validates every record; two records with the same (agencyId, kid) are refused. */
  constructor(records: Iterable<AgencyKey>) {
    for (const record of records) {
      checkRecord(record);
      const key = recordKey(record.agencyId, record.kid);
      if (this.records.has(key)) {
        throw cryptoError('key.duplicate-kid', `kid ${record.kid} registered twice`, 'conflict', {
          agencyId: record.agencyId,
          kid: record.kid,
        });
      }
      this.records.set(key, record);
    }
  }

  /**
   * A directory holding one agency's published JWKS, for recipients that fetched
   * it from the hub. Each key must carry kid and alg; all count as active.
   * Officer keys (members naming an `officer`) sign tokens and statements,
   * never messages, so they are left out.
   */
  static fromJwks(agencyId: string, jwks: Jwks): KeyDirectory {
    const records = jwks.keys.map((jwk): AgencyKey => {
      const alg = jwk.alg;
      if (alg !== 'EdDSA' && alg !== 'ES256' && alg !== 'ECDH-ES+A256KW') {
        throw cryptoError('key.invalid-jwk', 'JWKS key without a supported alg', 'invalid-input');
      }
      return {
        agencyId,
        kid: String(jwk.kid),
        use: useOf(alg),
        alg,
        publicJwk: jwk,
        notBefore: 0,
        status: 'active',
      };
    });
    // Every key is validated (and kids are unique across both kinds); officer keys are then left out.
    const all = new KeyDirectory(records);
    return records.some((r) => r.publicJwk.officer !== undefined)
      ? new KeyDirectory(records.filter((r) => r.publicJwk.officer === undefined))
      : all;
  }

  /** The record, if registered (no validity checks: for display and JWKS). */
  recordOf(agencyId: string, kid: string): AgencyKey | undefined {
    return this.records.get(recordKey(agencyId, kid));
  }

  resolveSignatureKey(
    agencyId: string,
    kid: unknown,
    iatSec: number,
    scope: VerificationScope,
  ): VerificationKey {
    assertWellFormedKid(kid);
    const record = this.records.get(recordKey(agencyId, kid));
    if (record === undefined) {
      throw jwsRefused(scope, 'unknown-kid', `no key ${kid} registered for ${agencyId}`, {
        agencyId,
        kid,
      });
    }
    if (record.status === 'revoked') {
      throw jwsRefused(scope, 'revoked-key', `key ${kid} of ${agencyId} is revoked`, {
        agencyId,
        kid,
        revokedAt: record.revokedAt,
      });
    }
    if (record.use !== 'sig') {
      throw jwsRefused(scope, 'wrong-key-use', `key ${kid} is an encryption key`, { kid });
    }
    if (iatSec < record.notBefore || (record.notAfter !== undefined && iatSec >= record.notAfter)) {
      throw jwsRefused(scope, 'key-not-valid-at-iat', `key ${kid} was not valid at iat`, {
        kid,
        iat: iatSec,
        notBefore: record.notBefore,
        notAfter: record.notAfter,
      });
    }
    return this.importedKey(record);
  }

  /** The encryption key of a recipient agency (active, use enc), if it has one. */
  encryptionKeyOf(agencyId: string, nowSec: number): AgencyKey | undefined {
    let chosen: AgencyKey | undefined;
    for (const record of this.records.values()) {
      if (record.agencyId !== agencyId || record.use !== 'enc' || record.status !== 'active')
        continue;
      if (
        nowSec < record.notBefore ||
        (record.notAfter !== undefined && nowSec >= record.notAfter)
      ) {
        continue;
      }
      if (chosen === undefined || record.notBefore > chosen.notBefore) chosen = record;
    }
    return chosen;
  }

  /**
   * The agency's JWKS as the hub publishes it: active and retired keys (retired
   * ones still verify old content), never revoked ones.
   */
  jwksOf(agencyId: string): Jwks {
    const keys: PublicJwk[] = [];
    for (const record of this.records.values()) {
      if (record.agencyId !== agencyId || record.status === 'revoked') continue;
      keys.push(publicPartOf(record.publicJwk, record.kid, record.alg));
    }
    return { keys };
  }

  private importedKey(record: AgencyKey): VerificationKey {
    const cacheKey = recordKey(record.agencyId, record.kid);
    let key = this.imported.get(cacheKey);
    if (key === undefined) {
      key = {
        agencyId: record.agencyId,
        kid: record.kid,
        alg: record.alg,
        use: record.use,
        keyObject: importPublicJwk(record.publicJwk, record.alg),
      };
      this.imported.set(cacheKey, key);
    }
    return key;
  }
}

/** Renders keys as a JWKS document (public members, kid, alg, use). */
export function renderJwks(keys: readonly Pick<AgencyKey, 'kid' | 'alg' | 'publicJwk'>[]): Jwks {
  return { keys: keys.map((k) => publicPartOf(k.publicJwk, k.kid, k.alg)) };
}

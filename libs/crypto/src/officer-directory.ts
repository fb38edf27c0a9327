/**
 * Enrolled officers as a pure value: each officer of an agency holds their own
 * signing key, registered by the agency's officer administrator (or the hub's
 * directory administrator), with the roles the enrolment grants. An officer
 * token or a signed statement is verified with the officer's own key, found by
 * (agency, kid); the agency's key never vouches for an officer.
 *
 * Rules (docs/security/signatures.md, "Officer keys"):
 * - a kid resolves to exactly one officer of one agency; the token's `sub` must
 *   be that officer, so a name cannot be written into a token by someone else;
 * - a revoked enrolment verifies NOTHING from the moment of revocation;
 * - the roles a token claims must all be part of the enrolment.
 */
import { cryptoError, jwsRefused, type VerificationScope } from './crypto-error';
import {
  assertWellFormedKid,
  isSignatureAlg,
  publicPartOf,
  type PublicJwk,
  type SignatureAlg,
} from './jwk';
import { KeyDirectory, type VerificationKey } from './key-directory';

/** An officer id: lowercase letters, digits, dot, dash, underscore; 1 to 64 characters. */
export const OFFICER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export type OfficerStatus = 'active' | 'revoked';

/** One enrolment as the directory stores it (times in epoch seconds). */
export interface OfficerEnrolment {
  readonly agencyId: string;
  readonly officerId: string;
  readonly kid: string;
  readonly alg: SignatureAlg;
  readonly publicJwk: PublicJwk;
  readonly roles: readonly string[];
  readonly status: OfficerStatus;
  readonly enrolledAt: number;
  readonly revokedAt?: number;
}

/** The key and enrolment an officer signature was checked against. */
export interface OfficerVerificationKey extends VerificationKey {
  readonly enrolment: OfficerEnrolment;
}

export function isOfficerId(value: unknown): value is string {
  return typeof value === 'string' && OFFICER_ID_PATTERN.test(value);
}

const keyOf = (agencyId: string, id: string): string => `${agencyId}\u0000${id}`;

export class OfficerDirectory {
  private readonly byKid = new Map<string, OfficerEnrolment>();
  private readonly active = new Map<string, OfficerEnrolment>();
  private readonly keys: KeyDirectory;

  /**
   * Validates every enrolment; a kid enrolled twice, or two active keys for one
   * officer, are refused (one person, one current key).
   */
  constructor(enrolments: Iterable<OfficerEnrolment>) {
    const list = [...enrolments];
    for (const e of list) {
      if (!isOfficerId(e.officerId)) {
        throw cryptoError('officer.invalid-record', `officer id ${String(e.officerId)}`);
      }
      const alg: unknown = e.alg;
      if (!isSignatureAlg(alg))
        throw cryptoError('officer.invalid-record', `officer ${e.officerId}: unsupported alg`);
      if (this.byKid.has(keyOf(e.agencyId, e.kid))) {
        throw cryptoError('key.duplicate-kid', `kid ${e.kid} enrolled twice`, 'conflict');
      }
      this.byKid.set(keyOf(e.agencyId, e.kid), e);
      if (e.status === 'active') {
        if (this.active.has(keyOf(e.agencyId, e.officerId))) {
          throw cryptoError(
            'officer.duplicate-active-key',
            `officer ${e.officerId} of ${e.agencyId} has two active keys`,
            'conflict',
          );
        }
        this.active.set(keyOf(e.agencyId, e.officerId), e);
      }
    }
    // Signature checks reuse the agency key directory's rules (use, alg, import cache).
    this.keys = new KeyDirectory(
      list.map((e) => ({
        agencyId: e.agencyId,
        kid: e.kid,
        use: 'sig' as const,
        alg: e.alg,
        publicJwk: e.publicJwk,
        // Enrolment is the start: before it nobody but the officer held this key.
        notBefore: 0,
        status: e.status === 'active' ? ('active' as const) : ('revoked' as const),
        ...(e.revokedAt !== undefined ? { revokedAt: e.revokedAt } : {}),
      })),
    );
  }

  /** The officer's current (active) enrolment, if any. */
  enrolmentOf(agencyId: string, officerId: string): OfficerEnrolment | undefined {
    return this.active.get(keyOf(agencyId, officerId));
  }

  /** The enrolment a kid belongs to, active or revoked (for history and display). */
  enrolmentByKid(agencyId: string, kid: string): OfficerEnrolment | undefined {
    return this.byKid.get(keyOf(agencyId, kid));
  }

  /**
   * The officer key for (agency, kid) valid at `iatSec`, or a refusal: unknown
   * kid (an agency key is not an officer key), revoked, or not yet enrolled.
   */
  resolveOfficerKey(
    agencyId: string,
    kid: unknown,
    iatSec: number,
    scope: VerificationScope,
  ): OfficerVerificationKey {
    assertWellFormedKid(kid);
    const enrolment = this.byKid.get(keyOf(agencyId, kid));
    if (enrolment === undefined) {
      throw jwsRefused(scope, 'unknown-kid', `no officer key ${kid} enrolled at ${agencyId}`, {
        agencyId,
        kid,
      });
    }
    const key = this.keys.resolveSignatureKey(agencyId, kid, iatSec, scope);
    return { ...key, enrolment };
  }

  /** Historical check: the key an officer signed with, whatever its status now. */
  keyForHistory(agencyId: string, kid: string): OfficerVerificationKey | undefined {
    const enrolment = this.byKid.get(keyOf(agencyId, kid));
    if (enrolment === undefined) return undefined;
    const history = new KeyDirectory([
      {
        agencyId,
        kid,
        use: 'sig',
        alg: enrolment.alg,
        publicJwk: enrolment.publicJwk,
        notBefore: 0,
        status: 'active',
      },
    ]);
    return { ...history.resolveSignatureKey(agencyId, kid, 0, 'jws'), enrolment };
  }

  /** Active officer keys of an agency as JWKS members, each naming its officer. */
  jwksMembersOf(agencyId: string): (PublicJwk & { officer: string })[] {
    const out: (PublicJwk & { officer: string })[] = [];
    for (const e of this.active.values()) {
      if (e.agencyId !== agencyId) continue;
      out.push({ ...publicPartOf(e.publicJwk, e.kid, e.alg), officer: e.officerId });
    }
    return out.sort((a, b) => a.officer.localeCompare(b.officer));
  }
}

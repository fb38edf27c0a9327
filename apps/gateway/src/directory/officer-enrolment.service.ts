/**
 * Officer enrolment: an agency's officer administrator (role officer-admin, own
 * agency only) or the hub's directory administrator (role admin, any agency)
 * registers one officer's public signing key with the roles the enrolment
 * grants, and revokes it at once. Each change runs through withWorldChange (the
 * whole world, officer keys included, compiled in its transaction), is logged
 * (ALTERATION) and the gateway's directory is refreshed before the answer, so a
 * revoked officer's next request (token or console session) is refused.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  KeyDirectory,
  OFFICER_ROLES,
  isOfficerId,
  isSignatureAlg,
  type PublicJwk,
  type SignatureAlg,
} from '@liaison/crypto';
import { DomainError, isDomainError } from '@liaison/errors';
import {
  ConsoleSessionRepository,
  DirectoryRepository,
  appendLeLog,
  type OfficerKeyRow,
} from '@liaison/persistence';
import type { Kafka } from '@liaison/kafka';
import { withWorldChange } from '@liaison/runtime';
import type { AuthContext } from '../auth/auth-context';
import type { DirectoryCache } from '../directory-cache';
import { DATA_SOURCE, DIRECTORY_CACHE, KAFKA } from '../tokens';
import { announceAgency } from './directory-announcement';

export interface OfficerEnrolmentRequest {
  officerId: string;
  roles: string[];
  jwk: Record<string, unknown>;
}

export interface EnrolledOfficer {
  readonly agencyId: string;
  readonly officerId: string;
  readonly kid: string;
  readonly roles: readonly string[];
  readonly status: 'active' | 'revoked';
  readonly enrolledAt: string;
  readonly enrolledBy: string;
  readonly revokedAt: string | null;
}

function invalid(field: string, rule: string): DomainError {
  return new DomainError('officer.invalid', `${field}: ${rule}`, 'invalid-input', { field });
}

const actorOf = (auth: AuthContext): string => `${auth.agencyId}/${auth.officerId ?? '-'}`;

/** Default deny: the hub admin for any agency, an agency's officer-admin for its own only. */
function checkAdministers(auth: AuthContext, agencyId: string): void {
  if (auth.kind !== 'officer') {
    throw new DomainError('officer.admin-only', 'officers are enrolled by an officer', 'forbidden');
  }
  if (auth.roles.has('admin')) return;
  if (auth.roles.has('officer-admin') && auth.agencyId === agencyId) return;
  throw new DomainError(
    'officer.not-your-agency',
    `an officer administrator of ${auth.agencyId} cannot enrol or revoke officers of ${agencyId}`,
    'forbidden',
    { agencyId },
  );
}

function checkSigningJwk(
  agencyId: string,
  jwk: unknown,
): PublicJwk & { kid: string; alg: SignatureAlg } {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw invalid('jwk', "the officer's public signing key as a JWK object");
  const key = jwk as PublicJwk;
  if ('d' in key) throw invalid('jwk', 'must be a public key (found "d")');
  if (!isSignatureAlg(key.alg)) throw invalid('jwk', 'alg must be EdDSA or ES256');
  if (typeof key.kid !== 'string') throw invalid('jwk', 'kid is required');
  try {
    // The same checks as verification will make (kid form, alg/use, key material).
    KeyDirectory.fromJwks(agencyId, { keys: [{ ...key, officer: undefined }] });
  } catch (error) {
    if (isDomainError(error))
      throw new DomainError('officer.bad-jwk', error.message, 'invalid-input');
    throw error;
  }
  const { kty, crv, x, y, kid, alg } = key;
  return { kty, crv, x, ...(y === undefined ? {} : { y }), kid, alg, use: 'sig' };
}

function toEnrolled(row: OfficerKeyRow): EnrolledOfficer {
  return {
    agencyId: row.agencyId,
    officerId: row.officerId,
    kid: row.kid,
    roles: row.roles,
    status: row.status,
    enrolledAt: row.enrolledAt.toISOString(),
    enrolledBy: row.enrolledBy,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class OfficerEnrolment {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(DIRECTORY_CACHE) private readonly directory: DirectoryCache,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {}

  async list(auth: AuthContext, agencyId: string): Promise<EnrolledOfficer[]> {
    checkAdministers(auth, agencyId);
    const rows = await new DirectoryRepository(this.ds).officersOf(agencyId);
    return rows.map(toEnrolled);
  }

  async enrol(auth: AuthContext, agencyId: string, body: unknown): Promise<EnrolledOfficer> {
    checkAdministers(auth, agencyId);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalid('body', 'must be { officerId, roles, jwk }');
    const b = body as Partial<OfficerEnrolmentRequest>;
    if (!isOfficerId(b.officerId))
      throw invalid('officerId', 'must match ^[a-z0-9][a-z0-9._-]{0,63}$');
    const roles = b.roles;
    if (
      !Array.isArray(roles) ||
      roles.length === 0 ||
      roles.length > OFFICER_ROLES.length ||
      roles.some((r) => !(OFFICER_ROLES as readonly unknown[]).includes(r)) ||
      new Set(roles).size !== roles.length
    ) {
      throw invalid('roles', `distinct roles, each one of ${OFFICER_ROLES.join(', ')}`);
    }
    const jwk = checkSigningJwk(agencyId, b.jwk);
    const officerId = b.officerId;
    const { result: row } = await withWorldChange(this.ds, async (tx) => {
      const directory = new DirectoryRepository(tx);
      const agency = await directory.lockAgencyForEnrolment(agencyId);
      if (!agency)
        throw new DomainError('directory.unknown-agency', `no agency ${agencyId}`, 'not-found');
      if (agency.status !== 'ACTIVE')
        throw new DomainError(
          'auth.agency-inactive',
          `agency ${agencyId} is not active`,
          'conflict',
        );
      const beyond = roles.filter((r) => !agency.grantableRoles.includes(r));
      if (beyond.length > 0) {
        throw new DomainError(
          'officer.role-not-grantable',
          `agency ${agencyId} cannot grant role(s) ${beyond.join(', ')}`,
          'forbidden',
          { roles: beyond },
        );
      }
      // A kid names one key of one holder: not another officer's, not the agency's own.
      if (await directory.kidTaken(jwk.kid))
        throw new DomainError(
          'officer.kid-taken',
          `kid ${jwk.kid} is already registered`,
          'conflict',
        );
      const enrolled = await directory.insertOfficerKey({
        agencyId,
        officerId,
        kid: jwk.kid,
        alg: jwk.alg,
        publicJwk: jwk,
        roles,
        enrolledBy: actorOf(auth),
      });
      if (!enrolled) {
        throw new DomainError(
          'officer.already-enrolled',
          `officer ${officerId} of ${agencyId} already has an active key: revoke it first`,
          'conflict',
          { officerId },
        );
      }
      await appendLeLog(tx, [
        {
          actor: actorOf(auth),
          action: 'ALTERATION',
          subject: `officer:${agencyId}/${officerId}`,
          justification: 'officer enrolled',
          details: { kid: jwk.kid, roles },
        },
      ]);
      return enrolled;
    });
    await announceAgency(this.kafka, await this.directory.refresh(), agencyId);
    return toEnrolled(row);
  }

  async revoke(auth: AuthContext, agencyId: string, officerId: string): Promise<EnrolledOfficer> {
    checkAdministers(auth, agencyId);
    if (!isOfficerId(officerId))
      throw invalid('officerId', 'must match ^[a-z0-9][a-z0-9._-]{0,63}$');
    const { result: row } = await withWorldChange(this.ds, async (tx) => {
      const revoked = await new DirectoryRepository(tx).revokeOfficerKey(
        agencyId,
        officerId,
        actorOf(auth),
      );
      if (!revoked) {
        throw new DomainError(
          'officer.unknown',
          `no active enrolment of officer ${officerId} at ${agencyId}`,
          'not-found',
          { officerId },
        );
      }
      // Console sessions opened with the key end now (the authenticator also checks).
      await new ConsoleSessionRepository(tx).endOfficerSessions(agencyId, officerId);
      await appendLeLog(tx, [
        {
          actor: actorOf(auth),
          action: 'ALTERATION',
          subject: `officer:${agencyId}/${officerId}`,
          justification: 'officer revoked',
          details: { kid: revoked.kid },
        },
      ]);
      return revoked;
    });
    await announceAgency(this.kafka, await this.directory.refresh(), agencyId);
    return toEnrolled(row);
  }
}

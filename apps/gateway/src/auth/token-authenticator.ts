/**
 * Turns a bearer token into an AuthContext: an agency (machine) token signed by
 * the agency's key (publisher/subscriber), or an officer token signed by the
 * officer's OWN enrolled key (roles within the enrolment and grantable by the
 * agency). Keys and enrolments come from the directory; jti replay is checked in
 * PostgreSQL. A console session stands for the officer key that opened it and
 * ends as soon as that enrolment is revoked.
 */
import { randomUUID } from 'node:crypto';
import {
  AGENCY_TOKEN_TYP,
  OFFICER_TOKEN_TYP,
  asJsonObject,
  isDuplicateMemberError,
  jwsRefused,
  parseStrictJson,
  verifyAgencyToken,
  verifyOfficerToken,
  type TokenVerifyOptions,
} from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import type { ReplayStore } from '@liaison/persistence';
import type { AuthContext, Role } from './auth-context';
import type { GatewayDirectory } from '../directory-cache';
import type { DirectoryCache } from '../directory-cache';
import { SESSION_PREFIX, type ConsoleSessions } from './console-session';

const AGENCY_TOKEN_ROLES: readonly Role[] = ['publisher', 'subscriber'];
const MAX_TOKEN_CHARS = 8192;

function typOf(token: string): unknown {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 2048) return undefined;
  try {
    const header = asJsonObject(
      parseStrictJson(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')),
    );
    return header?.typ;
  } catch (error) {
    // Two typ members could make one kind of token pass for another: refused by name.
    if (isDuplicateMemberError(error))
      throw jwsRefused('token', 'duplicate-member', 'token header has a duplicate member name');
    return undefined;
  }
}

export class TokenAuthenticator {
  constructor(
    private readonly directory: DirectoryCache,
    private readonly replays: ReplayStore,
    private readonly audience: string,
    private readonly clockSkewSec: number,
    private readonly sessions: ConsoleSessions,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthContext> {
    if (!authorization) {
      throw new DomainError(
        'auth.missing-token',
        'Authorization: Bearer <token> is required',
        'unauthenticated',
      );
    }
    const match = /^Bearer ([A-Za-z0-9_\-.~+/=]+)$/.exec(authorization);
    if (!match?.[1])
      throw new DomainError(
        'auth.malformed-header',
        'Authorization must be "Bearer <token>"',
        'unauthenticated',
      );
    const token = match[1];
    if (token.length > MAX_TOKEN_CHARS)
      throw new DomainError('token.too-large', 'token exceeds 8 KiB', 'unauthenticated');
    const dir = await this.directory.get();
    if (token.startsWith(SESSION_PREFIX)) {
      const session = await this.sessions.resolve(token, (id) => {
        const agency = dir.byId.get(id);
        return agency?.status === 'ACTIVE' ? agency.jurisdiction : undefined;
      });
      return sessionStillEnrolled(session, dir);
    }
    const options: TokenVerifyOptions = {
      directory: dir.keys,
      officers: dir.officers,
      audience: this.audience,
      now: Date.now,
      maxLifetimeSec: 300,
      clockSkewSec: this.clockSkewSec,
      seenJti: async (key, expSec) => {
        const [issuer, ...rest] = key.split(':');
        // A fresh source per use: any second sighting of a jti is a replay.
        return !(await this.replays.remember(
          issuer ?? '',
          rest.join(':'),
          new Date(expSec * 1000 + 60_000),
          randomUUID(),
        ));
      },
    };
    const typ = typOf(token);
    if (typ === OFFICER_TOKEN_TYP) {
      const verified = await verifyOfficerToken(token, options);
      const agency = dir.byId.get(verified.agencyId);
      if (!agency || agency.status !== 'ACTIVE') {
        throw new DomainError(
          'auth.agency-inactive',
          `agency ${verified.agencyId} is not active`,
          'forbidden',
        );
      }
      const grantable = new Set(agency.grantableRoles);
      const refused = verified.roles.filter((r) => !grantable.has(r));
      if (refused.length > 0) {
        throw new DomainError(
          'auth.role-not-grantable',
          `agency ${agency.id} cannot grant role(s) ${refused.join(', ')}`,
          'forbidden',
        );
      }
      return {
        agencyId: agency.id,
        jurisdiction: agency.jurisdiction,
        officerId: verified.officerId,
        officerKid: verified.kid,
        roles: new Set(verified.roles),
        kind: 'officer',
      };
    }
    if (typ !== AGENCY_TOKEN_TYP) {
      throw new DomainError(
        'token.bad-typ',
        `token typ must be ${AGENCY_TOKEN_TYP} or ${OFFICER_TOKEN_TYP}`,
        'unauthenticated',
      );
    }
    const verified = await verifyAgencyToken(token, options);
    const agency = dir.byId.get(verified.agencyId);
    if (!agency || agency.status !== 'ACTIVE') {
      throw new DomainError(
        'auth.agency-inactive',
        `agency ${verified.agencyId} is not active`,
        'forbidden',
      );
    }
    return {
      agencyId: agency.id,
      jurisdiction: agency.jurisdiction,
      officerId: null,
      officerKid: null,
      roles: new Set(agency.receivesFeed ? AGENCY_TOKEN_ROLES : []),
      kind: 'agency',
    };
  }
}

/** A session lives only as long as the enrolment of the key that opened it. */
function sessionStillEnrolled(session: AuthContext, dir: GatewayDirectory): AuthContext {
  const enrolment =
    session.officerId === null
      ? undefined
      : dir.officers.enrolmentOf(session.agencyId, session.officerId);
  if (enrolment === undefined || enrolment.kid !== session.officerKid) {
    throw new DomainError(
      'session.officer-revoked',
      'the officer enrolment that opened this session is revoked: log in again',
      'unauthenticated',
    );
  }
  const roles = new Set([...session.roles].filter((r) => enrolment.roles.includes(r)));
  return { ...session, roles };
}

/**
 * Console sessions. A browser cannot sign officer tokens (the officer's key
 * stays with the officer's CLI), and officer tokens are single-use; so the
 * console exchanges one freshly minted officer token for a 30-minute session
 * token. Only the token's SHA-256 is stored; the session carries exactly the
 * officer's roles and the enrolled key that signed the token, and the
 * authenticator ends it as soon as that enrolment is revoked. Its audit reads
 * rest on the officer's signed justification attached to it (an audit.read
 * statement, recorded in the officer statement log): the browser never holds
 * the officer's key.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@liaison/errors';
import { ConsoleSessionRepository } from '@liaison/persistence';
import type { AuthContext, Role, SignedJustification } from './auth-context';

export const SESSION_PREFIX = 'lsess_';
const SESSION_MINUTES = 30;

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export class ConsoleSessions {
  private readonly sessions: ConsoleSessionRepository;

  constructor(ds: DataSource) {
    this.sessions = new ConsoleSessionRepository(ds);
  }

  async open(auth: AuthContext): Promise<{ sessionToken: string; expiresAt: string }> {
    if (auth.kind !== 'officer' || !auth.officerId) {
      throw new DomainError(
        'session.officer-only',
        'a console session needs an officer token',
        'forbidden',
      );
    }
    const token = `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + SESSION_MINUTES * 60_000);
    await this.sessions.open({
      tokenHash: hashOf(token),
      agencyId: auth.agencyId,
      officerId: auth.officerId,
      officerKid: auth.officerKid,
      roles: [...auth.roles],
      expiresAt,
    });
    return { sessionToken: token, expiresAt: expiresAt.toISOString() };
  }

  async resolve(
    token: string,
    jurisdictionOf: (agencyId: string) => string | undefined,
  ): Promise<AuthContext> {
    const row = await this.sessions.byTokenHash(hashOf(token));
    if (!row || row.expiresAt.getTime() < Date.now()) {
      throw new DomainError(
        'session.expired',
        'console session unknown or expired: log in again',
        'unauthenticated',
      );
    }
    const jurisdiction = jurisdictionOf(row.agencyId);
    if (!jurisdiction)
      throw new DomainError(
        'auth.agency-inactive',
        `agency ${row.agencyId} is not active`,
        'forbidden',
      );
    return {
      agencyId: row.agencyId,
      jurisdiction,
      officerId: row.officerId,
      officerKid: row.officerKid,
      roles: new Set(row.roles as Role[]),
      kind: 'officer',
      consoleJustification:
        row.justification !== null && row.justificationSeq !== null && row.justificationHash
          ? { text: row.justification, seq: row.justificationSeq, hash: row.justificationHash }
          : null,
    };
  }

  /** Attaches a recorded justification to the session (inside the statement's transaction). */
  async attachJustification(
    tx: EntityManager,
    token: string,
    justification: SignedJustification,
  ): Promise<void> {
    await new ConsoleSessionRepository(tx).attachJustification(hashOf(token), justification);
  }

  async close(token: string): Promise<void> {
    await this.sessions.close(hashOf(token));
  }
}
